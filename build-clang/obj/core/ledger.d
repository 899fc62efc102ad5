build-clang/obj/core/ledger.o: core/ledger.c core/ledger.h core/pool.h \
  core/status.h core/store.h core/strbuf.h core/amount.h core/date.h \
  core/xalloc.h

core/ledger.h:

core/pool.h:

core/status.h:

core/store.h:

core/strbuf.h:

core/amount.h:

core/date.h:

core/xalloc.h:

build-clang/asan/core/pool.o: core/pool.c core/pool.h core/status.h \
  core/store.h core/strbuf.h core/amount.h core/date.h core/xalloc.h

core/pool.h:

core/status.h:

core/store.h:

core/strbuf.h:

core/amount.h:

core/date.h:

core/xalloc.h:

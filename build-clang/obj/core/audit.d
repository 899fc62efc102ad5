build-clang/obj/core/audit.o: core/audit.c core/audit.h core/status.h \
  core/store.h core/strbuf.h core/date.h core/hash.h

core/audit.h:

core/status.h:

core/store.h:

core/strbuf.h:

core/date.h:

core/hash.h:

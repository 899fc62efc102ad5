build-clang/asan/core/access.o: core/access.c core/access.h core/status.h \
  core/store.h core/strbuf.h core/audit.h core/text.h core/xalloc.h

core/access.h:

core/status.h:

core/store.h:

core/strbuf.h:

core/audit.h:

core/text.h:

core/xalloc.h:

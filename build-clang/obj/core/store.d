build-clang/obj/core/store.o: core/store.c core/store.h core/status.h \
  core/strbuf.h core/xalloc.h

core/store.h:

core/status.h:

core/strbuf.h:

core/xalloc.h:

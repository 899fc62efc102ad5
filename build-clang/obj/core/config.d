build-clang/obj/core/config.o: core/config.c core/config.h core/status.h \
  core/strbuf.h core/xalloc.h

core/config.h:

core/status.h:

core/strbuf.h:

core/xalloc.h:

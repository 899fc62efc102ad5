build-clang/obj/core/text.o: core/text.c core/text.h core/strbuf.h \
  core/xalloc.h

core/text.h:

core/strbuf.h:

core/xalloc.h:

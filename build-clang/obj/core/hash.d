build-clang/obj/core/hash.o: core/hash.c core/hash.h core/status.h \
  core/strbuf.h

core/hash.h:

core/status.h:

core/strbuf.h:

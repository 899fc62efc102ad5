build-clang/asan/core/xalloc.o: core/xalloc.c core/xalloc.h

core/xalloc.h:

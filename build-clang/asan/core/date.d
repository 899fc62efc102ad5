build-clang/asan/core/date.o: core/date.c core/date.h

core/date.h:

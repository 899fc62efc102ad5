build-clang/asan/core/amount.o: core/amount.c core/amount.h

core/amount.h:

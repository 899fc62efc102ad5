build-clang/obj/core/amount.o: core/amount.c core/amount.h

core/amount.h:

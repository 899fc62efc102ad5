build-clang/obj/core/date.o: core/date.c core/date.h

core/date.h:

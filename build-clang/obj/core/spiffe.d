build-clang/obj/core/spiffe.o: core/spiffe.c core/spiffe.h

core/spiffe.h:

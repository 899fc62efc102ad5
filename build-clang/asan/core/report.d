build-clang/asan/core/report.o: core/report.c core/report.h core/strbuf.h

core/report.h:

core/strbuf.h:

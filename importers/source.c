/* File and gzip byte sources (zlib gzread reads plain files unchanged, so one path serves both). */
#include "importers/source.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

struct source {
    gzFile gz;     /* zlib stream over fd; NULL for a plain regular file (read directly) */
    uint64_t off;  /* bytes read so far, when gz is NULL */
    int fd;        /* owned unless stdin */
    char *name;    /* owned */
    uint64_t size; /* file size, 0 when not a regular file */
    int is_gzip;
};

enum status source_open(const char *path, struct source **out, struct strbuf *err)
{
    int fd = strcmp(path, "-") == 0 ? dup(STDIN_FILENO) : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        sb_setf(err, "%s: cannot open: %s", path, strerror(errno));
        return ST_NO_INPUT;
    }
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        close(fd);
        sb_setf(err, "%s: is a directory", path);
        return ST_NO_INPUT;
    }
    unsigned char magic[2] = {0, 0};
    int is_gzip = 0;
    if (S_ISREG(st.st_mode)) {
        if (pread(fd, magic, 2, 0) == 2 && magic[0] == 0x1f && magic[1] == 0x8b)
            is_gzip = 1;
    }
    gzFile gz = NULL;
    /* A plain regular file needs no stream (zlib would copy every byte once more). */
    if (is_gzip || !S_ISREG(st.st_mode)) {
        gz = gzdopen(fd, "rb");
        if (!gz) {
            close(fd);
            sb_setf(err, "%s: cannot open stream", path);
            return ST_NO_INPUT;
        }
        gzbuffer(gz, 1u << 18);
    }
    struct source *s = xcalloc(1, sizeof *s);
    s->gz = gz;
    s->fd = fd;
    s->name = xstrdup(path);
    s->size = S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
    s->is_gzip = is_gzip;
    *out = s;
    return ST_OK;
}

void source_free(struct source **pp)
{
    if (!pp || !*pp)
        return;
    struct source *s = *pp;
    if (s->gz)
        gzclose(s->gz); /* closes fd too */
    else
        close(s->fd);
    free(s->name);
    free(s);
    *pp = NULL;
}

ssize_t source_read(struct source *s, char *buf, size_t cap, struct strbuf *err)
{
    if (cap > (1u << 30))
        cap = 1u << 30;
    if (!s->gz) {
        ssize_t got;
        do
            got = read(s->fd, buf, cap);
        while (got < 0 && errno == EINTR);
        if (got < 0) {
            sb_setf(err, "%s: read error: %s", s->name, strerror(errno));
            return -1;
        }
        s->off += (uint64_t)got;
        return got;
    }
    int n = gzread(s->gz, buf, (unsigned)cap);
    if (n < 0) {
        int code;
        const char *msg = gzerror(s->gz, &code);
        if (code == Z_ERRNO)
            sb_setf(err, "%s: read error: %s", s->name, strerror(errno));
        else
            sb_setf(err, "%s: corrupt gzip data: %s", s->name, msg);
        return -1;
    }
    if (n == 0 && s->is_gzip) {
        int code;
        const char *msg = gzerror(s->gz, &code);
        if (code != Z_OK && code != Z_STREAM_END) {
            sb_setf(err, "%s: truncated or corrupt gzip data: %s", s->name, msg);
            return -1;
        }
    }
    return n;
}

uint64_t source_offset(const struct source *s)
{
    if (!s->gz)
        return s->off;
    z_off_t off = gzoffset(s->gz);
    return off < 0 ? 0 : (uint64_t)off;
}

uint64_t source_size(const struct source *s)
{
    return s->size;
}

int source_is_gzip(const struct source *s)
{
    return s->is_gzip;
}

const char *source_name(const struct source *s)
{
    return s->name;
}

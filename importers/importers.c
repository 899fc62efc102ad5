/* Format table and detection. */
#include "importers/importers.h"

#include <stdio.h>
#include <string.h>

#include "core/text.h"
#include "importers/source.h"

static const struct {
    const char *name, *desc;
} formats[IMP__COUNT] = {
#define IMP_ROW_(e, name, desc) [IMP_##e] = {name, desc},
    IMP_FORMATS(IMP_ROW_)
#undef IMP_ROW_
};

const char *imp_format_name(enum imp_format f)
{
    return (unsigned)f < IMP__COUNT ? formats[f].name : "unknown";
}

bool imp_format_parse(const char *s, enum imp_format *out)
{
    for (int f = 0; f < IMP__COUNT; f++)
        if (strcmp(formats[f].name, s) == 0) {
            *out = (enum imp_format)f;
            return true;
        }
    return false;
}

const char *imp_formats_known(void)
{
    static char buf[512];
    if (!buf[0]) {
        size_t off = 0;
        for (int f = 0; f < IMP__COUNT && off < sizeof buf; f++)
            off += (size_t)snprintf(buf + off, sizeof buf - off, "%s%s (%s)", f ? ", " : "",
                                    formats[f].name, formats[f].desc);
    }
    return buf;
}

enum status imp_detect(const char *path, enum imp_format *out, struct strbuf *err)
{
    struct source *src = NULL;
    enum status st = source_open(path, &src, err);
    if (st != ST_OK)
        return st;
    char head[8192];
    ssize_t n = source_read(src, head, sizeof head - 1, err);
    source_free(&src);
    if (n < 0)
        return ST_BAD_DATA;
    head[n] = '\0';
    /* Binary data (or UTF-16, which Excel writes) is named as such before any shape sniffing:
     * random bytes can start with '{' and must not be reported as broken JSON. */
    const unsigned char *u = (const unsigned char *)head;
    if (n >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF))) {
        sb_setf(err, "%s:1:1: UTF-16 text; credence reads UTF-8 (save the export as UTF-8)", path);
        return ST_BAD_DATA;
    }
    size_t checked = (size_t)n;
    if (checked == sizeof head - 1) { /* a full read may cut the last character: drop it */
        while (checked > 0 && (size_t)n - checked < 3 && (u[checked - 1] & 0xC0) == 0x80)
            checked--;
        if (checked > 0 && u[checked - 1] >= 0xC0)
            checked--;
    }
    if (memchr(head, '\0', (size_t)n) || !utf8_valid(head, checked)) {
        sb_setf(err, "%s:1:1: binary data, not a format credence knows; it reads %s", path,
                imp_formats_known());
        return ST_BAD_DATA;
    }
    char first_line[8192];
    snprintf(first_line, sizeof first_line, "%s", head);
    char *nl = strchr(first_line, '\n');
    if (nl)
        *nl = '\0';
    const char *p = head;
    while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
        p++;
    if (*p == '{' || *p == '[') { /* JSON pages: look at the whole document's shape */
        const char *name = NULL;
        st = imp_json_kind(path, &name, err);
        if (st != ST_OK)
            return st;
        if (name && imp_format_parse(name, out))
            return ST_OK;
        sb_setf(err, "%s:1:1: JSON, but not pages credence knows; it reads %s", path,
                imp_formats_known());
        return ST_BAD_DATA;
    }
    /* FOCUS headers name these columns (any order, any FOCUS version). */
    if (strstr(first_line, "ChargePeriodStart") || strstr(first_line, "BilledCost") ||
        strstr(first_line, "EffectiveCost")) {
        *out = IMP_FOCUS;
        return ST_OK;
    }
    sb_setf(err, "%s:1:1: not a format credence knows; it reads %s", path, imp_formats_known());
    return ST_BAD_DATA;
}

enum status imp_read(enum imp_format f, const char *path, const struct usage_sink *sink,
                     const struct reporter *rep, struct strbuf *err)
{
    switch (f) {
    case IMP_FOCUS:
        return imp_focus_read(path, sink, rep, err);
    case IMP_OPENAI:
    case IMP_ANTHROPIC:
    case IMP_LITELLM:
        return imp_json_read(path, imp_format_name(f), sink, rep, err);
    case IMP__COUNT:
        break;
    }
    sb_setf(err, "unknown format");
    return ST_USAGE;
}

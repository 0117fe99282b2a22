/* advflow: drawing helpers shared by png.c and plot.c (draw_internal.h).
 * GPL-3.0-or-later. */
#include "draw_internal.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

/* The PNG signature (8 bytes) and the IHDR chunk (25): text goes after. */
#define AF_PNG_AFTER_IHDR 33u

/* CRC-32 of the PNG specification (ISO 3309), continued from crc. */
static uint32_t af_crc32(uint32_t crc, const unsigned char *p, size_t n)
{
    crc = ~crc;
    while (n--) {
        crc ^= *p++;
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

static int af_put(af_sink *s, const void *data, size_t n)
{
    errno = 0;
    if (fwrite(data, 1, n, s->fp) != n) {
        s->err = errno ? errno : -1;
        return -1;
    }
    return 0;
}

/* One tEXt chunk: length, type, keyword, NUL, text, CRC. */
static int af_put_text(af_sink *s, const char *key, const char *text)
{
    size_t kl = strlen(key), tl = strlen(text), len = kl + 1 + tl;
    unsigned char head[8] = {(unsigned char)(len >> 24), (unsigned char)(len >> 16),
                             (unsigned char)(len >> 8), (unsigned char)len, 't', 'E', 'X', 't'};
    uint32_t crc = af_crc32(0, head + 4, 4);
    crc = af_crc32(crc, (const unsigned char *)key, kl + 1);
    crc = af_crc32(crc, (const unsigned char *)text, tl);
    unsigned char tail[4] = {(unsigned char)(crc >> 24), (unsigned char)(crc >> 16),
                             (unsigned char)(crc >> 8), (unsigned char)crc};
    return af_put(s, head, 8) || af_put(s, key, kl + 1) || af_put(s, text, tl) || af_put(s, tail, 4)
               ? -1 : 0;
}

cairo_status_t af_sink_write(void *closure, const unsigned char *data, unsigned int length)
{
    af_sink *s = closure;
    if (s->err)
        return CAIRO_STATUS_WRITE_ERROR;
    if (s->ntext > 0 && s->pos < AF_PNG_AFTER_IHDR && s->pos + length >= AF_PNG_AFTER_IHDR) {
        unsigned int head = AF_PNG_AFTER_IHDR - (unsigned int)s->pos;
        if (af_put(s, data, head))
            return CAIRO_STATUS_WRITE_ERROR;
        for (int k = 0; k < s->ntext; k++)
            if (af_put_text(s, s->text[2 * k], s->text[2 * k + 1]))
                return CAIRO_STATUS_WRITE_ERROR;
        s->pos += head;
        data += head;
        length -= head;
    }
    if (af_put(s, data, length))
        return CAIRO_STATUS_WRITE_ERROR;
    s->pos += length;
    return CAIRO_STATUS_SUCCESS;
}

void af_draw_font_setup(cairo_t *cr)
{
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
    cairo_set_font_options(cr, fo);
    cairo_font_options_destroy(fo);
    cairo_set_antialias(cr, CAIRO_ANTIALIAS_DEFAULT);
}

void af_draw_font(cairo_t *cr, double size, int bold)
{
    cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
}

double af_draw_text_width(cairo_t *cr, const char *s, double size, int bold)
{
    cairo_text_extents_t e;
    af_draw_font(cr, size, bold);
    cairo_text_extents(cr, s, &e);
    return e.x_advance;
}

void af_draw_minus_copy(char *dst, size_t size, const char *src)
{
    size_t k = 0;
    for (; *src && k + 4 < size; src++) {
        if (*src == '-') {
            memcpy(dst + k, AF_MINUS, 3);
            k += 3;
        } else {
            dst[k++] = *src;
        }
    }
    dst[k] = '\0';
}

/* advflow: drawing helpers shared by png.c and plot.c (draw_internal.h).
 * GPL-3.0-or-later. */
#include "draw_internal.h"

#include <errno.h>
#include <string.h>

cairo_status_t af_sink_write(void *closure, const unsigned char *data, unsigned int length)
{
    af_sink *s = closure;
    if (s->err)
        return CAIRO_STATUS_WRITE_ERROR;
    errno = 0;
    if (fwrite(data, 1, length, s->fp) != length) {
        s->err = errno ? errno : -1;
        return CAIRO_STATUS_WRITE_ERROR;
    }
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

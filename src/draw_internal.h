/* advflow: what the two modules that draw with cairo share: frames
 * (png.c) and line plots (plot.c) (not installed).  GPL-3.0-or-later.
 *
 * Text uses cairo's "toy" API with the default sans-serif face (DejaVu Sans
 * on Debian), with metric hinting off so that a scratch surface measures
 * text exactly as the output surface draws it: layouts are computed before
 * any file is created.  Output goes through a write callback into the
 * stdio stream of an af_file (file.h), so that it is atomic. */
#ifndef ADVFLOW_DRAW_INTERNAL_H
#define ADVFLOW_DRAW_INTERNAL_H

#include <stddef.h>
#include <stdio.h>

#include <cairo.h>

/* U+2212 MINUS SIGN and U+00D7 MULTIPLICATION SIGN in UTF-8. */
#define AF_MINUS "\xe2\x88\x92"
#define AF_TIMES "\xc3\x97"

/* A cairo write callback's closure: the stream, and the errno of the first
 * failed write (-1 if unknown; 0 while all is well).  After a failure
 * every further write fails at once.  For a PNG, text (ntext pairs of
 * keyword and text, NULL-free C strings) is written as tEXt chunks right
 * after the IHDR chunk (cairo's PNG writer has no text of its own); pos
 * counts the bytes passed through. */
typedef struct {
    FILE *fp;
    int err;
    const char *const *text;
    int ntext;
    unsigned long pos;
} af_sink;

cairo_status_t af_sink_write(void *closure, const unsigned char *data, unsigned int length);

/* Text measured alike on every surface: no metric hinting, grayscale
 * antialiasing; shapes antialiased (cairo's default). */
void af_draw_font_setup(cairo_t *cr);

/* The sans-serif face at size (device units), bold or regular. */
void af_draw_font(cairo_t *cr, double size, int bold);

/* Width (advance) of s at size. */
double af_draw_text_width(cairo_t *cr, const char *s, double size, int bold);

/* Copy src to dst (size bytes, NUL-terminated, cut if needed), writing
 * '-' as the typographic minus. */
void af_draw_minus_copy(char *dst, size_t size, const char *src);

#endif

/* advflow: small internal helpers shared by the library's modules (not
 * installed).  GPL-3.0-or-later. */
#ifndef ADVFLOW_INTERNAL_H
#define ADVFLOW_INTERNAL_H

#include "advflow/gauss.h"

/* M_PI is not in strict C11. */
#define AF_PI 3.14159265358979323846

/* af_gauss_set_sigma with the variance s2 = sigma^2 given instead (finite,
 * >= 0, not checked).  MBO knows its kernel as the heat kernel of time h,
 * s2 = 2 h; passing 2 h itself rather than sqrt(2 h), which
 * af_gauss_set_sigma would square again (sqrt(x)^2 is often x + 1 ulp),
 * keeps MBO's multipliers, hence its steps, bit-identical to those it
 * computed before the gauss module was split out of it. */
void af_gauss_set_variance(af_gauss *p, double s2);

#endif

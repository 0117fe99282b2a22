/* advflow: small internal helpers shared by the library's modules (not
 * installed).  GPL-3.0-or-later. */
#ifndef ADVFLOW_INTERNAL_H
#define ADVFLOW_INTERNAL_H

/* M_PI is not in strict C11. */
#define AF_PI 3.14159265358979323846

#endif

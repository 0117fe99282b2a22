/* advflow: the whole public API.
 *
 * advflow evolves the decision boundary of a binary classifier by the
 * minimizing-movements scheme of the nonlocal perimeter that adversarial
 * training adds to the risk (Bungert, Laux, Stinson 2024).  Each header is
 * the reference for its module; docs/ has the guides.
 * GPL-3.0-or-later.
 */
#ifndef ADVFLOW_ADVFLOW_H
#define ADVFLOW_ADVFLOW_H

#include "advflow/status.h"
#include "advflow/grid.h"
#include "advflow/threads.h"
#include "advflow/ball.h"
#include "advflow/morph.h"
#include "advflow/dist.h"
#include "advflow/contour.h"
#include "advflow/shape.h"
#include "advflow/density.h"
#include "advflow/perimeter.h"
#include "advflow/mm.h"
#include "advflow/mbo.h"
#include "advflow/ref.h"
#include "advflow/file.h"
#include "advflow/png.h"
#include "advflow/points.h"
#include "advflow/array.h"
#include "advflow/gauss.h"
#include "advflow/kde.h"
#include "advflow/risk.h"
#include "advflow/robust.h"
#include "advflow/attack.h"
#include "advflow/plot.h"
#include "advflow/case.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Library version, "MAJOR.MINOR.PATCH". */
const char *af_version(void);

#ifdef __cplusplus
}
#endif
#endif

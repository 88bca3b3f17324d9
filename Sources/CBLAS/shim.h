// OpenBLAS CBLAS interface (Debian: libopenblas-dev). The include path comes from pkg-config.
#include <cblas.h>

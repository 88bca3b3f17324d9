// FFTW single precision (Debian: libfftw3-dev), used for the STFT front-ends.
#include <fftw3.h>

// zlib (Debian: zlib1g-dev): gzip decompression of the CLIP BPE vocabulary resource.
#include <zlib.h>

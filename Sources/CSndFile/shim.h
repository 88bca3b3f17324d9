// libsndfile (Debian: libsndfile1-dev): WAV, FLAC, OGG/Vorbis, Opus, MP3 decoding.
#include <sndfile.h>

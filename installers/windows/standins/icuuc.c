/* Stand-in for the Windows 10/11 system icuuc.dll, which Wine 8.0 (Debian 12) lacks: Qt6Core (PySide6 6.11 and
   newer) imports these ucnv_* functions from it and will not load without them. Every converter open fails, so
   Qt falls back to its built-in UTF-8/UTF-16/Latin-1 codecs, which are all the wizard uses. Used only by the
   Windows stage under Wine (installers/windows/under_wine.py), copied into the Wine prefix's system32, never
   shipped in the program or the installer. */
#include <stddef.h>
typedef int UErrorCode;
typedef unsigned short UChar;
#define EXPORT __declspec(dllexport)
#define U_FILE_ACCESS_ERROR 4
#define U_UNSUPPORTED_ERROR 16

EXPORT void *ucnv_open(const char *name, UErrorCode *err) { if (err) *err = U_FILE_ACCESS_ERROR; return NULL; }
EXPORT void ucnv_close(void *c) {}
EXPORT void UCNV_FROM_U_CALLBACK_SUBSTITUTE(void) {}
EXPORT void UCNV_TO_U_CALLBACK_SUBSTITUTE(void) {}
EXPORT void ucnv_reset(void *c) {}
EXPORT signed char ucnv_getMaxCharSize(const void *c) { return 4; }
EXPORT const char *ucnv_getName(const void *c, UErrorCode *err) { return ""; }
EXPORT void ucnv_getToUCallBack(const void *c, void **a, const void **b) { if (a) *a = NULL; if (b) *b = NULL; }
EXPORT void ucnv_getFromUCallBack(const void *c, void **a, const void **b) { if (a) *a = NULL; if (b) *b = NULL; }
EXPORT void ucnv_setToUCallBack(void *c, void *n, const void *nc, void **o, const void **oc, UErrorCode *err) { if (err) *err = U_UNSUPPORTED_ERROR; }
EXPORT void ucnv_setFromUCallBack(void *c, void *n, const void *nc, void **o, const void **oc, UErrorCode *err) { if (err) *err = U_UNSUPPORTED_ERROR; }
EXPORT void ucnv_cbToUWriteUChars(void *a, const UChar *s, int l, int o, UErrorCode *err) { if (err) *err = U_UNSUPPORTED_ERROR; }
EXPORT void ucnv_toUnicode(void *c, UChar **t, const UChar *tl, const char **s, const char *sl, int *off, signed char fl, UErrorCode *err) { if (err) *err = U_UNSUPPORTED_ERROR; }
EXPORT void ucnv_cbFromUWriteUChars(void *a, const UChar **s, const UChar *sl, int o, UErrorCode *err) { if (err) *err = U_UNSUPPORTED_ERROR; }
EXPORT int ucnv_toUCountPending(const void *c, UErrorCode *err) { return 0; }
EXPORT int ucnv_fromUCountPending(const void *c, UErrorCode *err) { return 0; }
EXPORT const char *ucnv_getStandardName(const char *n, const char *std, UErrorCode *err) { return NULL; }
EXPORT const char *ucnv_getAvailableName(int n) { return NULL; }
EXPORT int ucnv_countAvailable(void) { return 0; }
EXPORT void ucnv_fromUnicode(void *c, char **t, const char *tl, const UChar **s, const UChar *sl, int *off, signed char fl, UErrorCode *err) { if (err) *err = U_UNSUPPORTED_ERROR; }

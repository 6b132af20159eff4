/* Stand-in for bcryptprimitives.dll, which Wine 8.0 (Debian 12) lacks and every Windows 10/11 has.
   cryptography's Rust extension (Rust std >= 1.78) imports bcryptprimitives!ProcessPrng for its random numbers;
   without this DLL it cannot even be imported under Wine. ProcessPrng is forwarded to BCryptGenRandom, the
   system RNG Wine does implement. Used only by the Windows stage under Wine (installers/windows/under_wine.py),
   copied into the Wine prefix's system32, never shipped in the program or the installer. */
#include <windows.h>
#include <bcrypt.h>

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    while (len) {
        ULONG chunk = len > 0x10000000 ? 0x10000000 : (ULONG)len;  /* BCryptGenRandom takes a ULONG length */
        if (BCryptGenRandom(NULL, data, chunk, BCRYPT_USE_SYSTEM_PREFERRED_RNG) != 0) return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}

/*
 * bcryptprimitives.dll for Wine 8.0, which has none.
 *
 * Rust's std (1.78 and later) imports ProcessPrng from bcryptprimitives.dll
 * to fill HashMap seeds and the like; a Windows build of any Rust program
 * dies at start under a Wine without it. This DLL provides that one export
 * on top of advapi32's RtlGenRandom (SystemFunction036), which Wine has
 * always had. Installed into the Wine prefix's system32 by .ci/wine-setup;
 * used only to run the test programs under Wine, never shipped.
 *
 * Build: x86_64-w64-mingw32-gcc -shared -O2 -s -nostdlib -e DllMain
 *        -o bcryptprimitives.dll bcryptprimitives.c -ladvapi32 -lkernel32
 */
#include <windows.h>

/* advapi32!SystemFunction036, better known as RtlGenRandom. */
BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

/* Same contract as Windows': fills the buffer and always returns TRUE. */
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T size)
{
    while (size > 0) {
        ULONG chunk = size > 0x10000000 ? 0x10000000 : (ULONG)size;
        if (!SystemFunction036(data, chunk)) {
            /* Windows' ProcessPrng cannot fail; neither may this. */
            ExitProcess(0xC0000001);
        }
        data += chunk;
        size -= chunk;
    }
    return TRUE;
}

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, LPVOID reserved)
{
    (void)instance;
    (void)reason;
    (void)reserved;
    return TRUE;
}

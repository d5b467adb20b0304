// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Runtime.InteropServices;
using System.Text;

namespace Dumpkit.Crash;

/// <summary>
/// Dates as crash prints them (<c>Thu Nov 26 05:53:24 UTC 2026</c>): the C library's local time
/// and zone abbreviation, so that TZ works as it does for crash.
/// </summary>
internal static unsafe partial class CrashTime
{
    [LibraryImport("libc", EntryPoint = "tzset")]
    private static partial void TzSet();

    [LibraryImport("libc", EntryPoint = "localtime_r")]
    private static partial nint LocalTime(long* time, byte* tm);

    [LibraryImport("libc", EntryPoint = "strftime")]
    private static partial nuint StrFTime(byte* buffer, nuint max, byte* format, byte* tm);

    public static string Format(long seconds)
    {
        TzSet();
        byte* tm = stackalloc byte[128]; // struct tm is 56 bytes on x86_64 glibc
        byte* buffer = stackalloc byte[128];
        ReadOnlySpan<byte> format = "%a %b %e %H:%M:%S %Z %Y\0"u8;
        fixed (byte* f = format)
        {
            if (LocalTime(&seconds, tm) == 0)
                return seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            nuint n = StrFTime(buffer, 128, f, tm);
            return Encoding.ASCII.GetString(buffer, (int)n);
        }
    }
}

// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Security.Cryptography;
using System.Text;

namespace Dumpkit.Crash.Triage;

/// <summary>
/// A crash's signature: the first 16 hex digits of the SHA-256 of the top <see cref="Depth"/> frames' function
/// names (joined by newlines, UTF-8), counted from the first frame that is not panic/kdump/oops machinery, each
/// name without the compiler's clone suffix (<c>.cold</c>, <c>.isra.0</c>, <c>.constprop.0</c>, <c>.part.0</c>: from
/// the first dot), so that two dumps of the same bug group together whatever the offsets, addresses, dump
/// format and build.
/// </summary>
internal static class TriageSignature
{
    public const int Depth = 5;

    /// <summary>The frames between the bug and kdump: skipped at the top of the trace (listed in the README).</summary>
    public static readonly IReadOnlySet<string> Machinery = new HashSet<string>(StringComparer.Ordinal)
    {
        "machine_kexec", "__crash_kexec", "crash_kexec", "panic", "vpanic", "nmi_panic", "check_panic_on_warn",
        "oops_end", "die", "__die", "die_addr", "__warn", "report_bug", "handle_bug",
        "page_fault_oops", "kernelmode_fixup_or_oops", "no_context", "__bad_area_nosemaphore", "bad_area_nosemaphore",
        "do_user_addr_fault", "handle_page_fault", "exc_page_fault", "asm_exc_page_fault",
        "do_trap", "do_error_trap", "exc_invalid_op", "asm_exc_invalid_op", "exc_general_protection", "asm_exc_general_protection",
    };

    /// <summary>The frames the signature is made of: after the leading machinery, at most <see cref="Depth"/>.</summary>
    public static List<string> Frames(IReadOnlyList<string> backtrace) =>
        [.. backtrace.Select(BaseName).SkipWhile(Machinery.Contains).Take(Depth)];

    /// <summary>A function's name without a clone suffix (C names have no dot; GCC's clones add one).</summary>
    public static string BaseName(string function) => function.IndexOf('.', StringComparison.Ordinal) is int dot and > 0 ? function[..dot] : function;

    /// <summary>The signature of a backtrace (innermost first); null when no frame is left after the machinery.</summary>
    public static string? Of(IReadOnlyList<string> backtrace)
    {
        var frames = Frames(backtrace);
        if (frames.Count == 0)
            return null;
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', frames)));
        return Convert.ToHexStringLower(hash.AsSpan(0, 8));
    }
}

// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Formats;

namespace Dumpkit.Crash.Commands;

/// <summary>
/// crash's readmem messages for an address a command cannot read: <c>page excluded: kernel virtual address:
/// ADDR  type: "TYPE"</c> when the page is RAM that makedumpfile filtered out of the dump, else
/// <c>invalid kernel virtual address: ...</c> (user addresses likewise).
/// </summary>
internal static class ExcludedPages
{
    /// <summary>True when the address maps to a page frame the dump left out on purpose (its dump level).</summary>
    public static bool IsExcluded(CrashSession session, ulong address) =>
        session.Memory.TryTranslate(address, out ulong paddr) && session.Memory.Dump.GetPageState(paddr >> 12) == PageState.Excluded;

    /// <summary>The one line crash prints, with the command's name in front.</summary>
    public static string Message(CrashSession session, string command, ulong address, string type)
    {
        string space = session.IsKernelVirtual(address) ? "kernel virtual" : "user virtual";
        string what = IsExcluded(session, address) ? "page excluded:" : "invalid";
        return $"{command}: {what} {space} address: {address:x}  type: \"{type}\"";
    }
}

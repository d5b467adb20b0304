// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Formats;
using Dumpkit.Kernel.Sched;
using Dumpkit.Kernel.X86_64;

namespace Dumpkit.Crash.Commands;

/// <summary>
/// Physical memory and a task's user address space as crash reads them for <c>rd -p</c>, <c>rd</c> of a user
/// address (the current context's <c>mm-&gt;pgd</c>) and <c>vtop</c>: the dump's page frames, and the task's own
/// page tables walked in physical memory.
/// </summary>
internal static class AddressSpaces
{
    /// <summary>Reads physical memory; false when a frame is not in the dump (a hole, beyond memory, excluded).</summary>
    public static bool TryReadPhysical(CrashSession session, ulong paddr, Span<byte> buffer)
    {
        var dump = session.Memory.Dump;
        Span<byte> page = stackalloc byte[4096];
        while (!buffer.IsEmpty)
        {
            ulong pfn = paddr >> 12;
            int inPage = (int)(paddr & 0xfff);
            int n = Math.Min(buffer.Length, 4096 - inPage);
            if (dump.GetPageState(pfn) != PageState.Present)
                return false;
            try { dump.ReadPage(pfn, page); }
            catch (PageNotAvailableException) { return false; }
            page.Slice(inPage, n).CopyTo(buffer);
            buffer = buffer[n..];
            paddr += (ulong)n;
        }
        return true;
    }

    /// <summary>The page tables of a task's mm (<c>mm-&gt;pgd</c>, a direct-map address); null for a kernel thread.</summary>
    public static PageTables? UserTables(CrashSession session, ProcessEntry task)
    {
        if (task.Mm == 0)
            return null;
        var reader = new KernelReader(session, "vtop");
        ulong pgd = reader.ReadU64(task.Mm + reader.Offset("mm_struct", "pgd"));
        if (!session.Memory.TryTranslate(pgd, out ulong pgdPhys))
            return null;
        return new PageTables(session.Memory.Dump, pgdPhys, session.Memory.FiveLevel, session.Memory.SmeMask);
    }

    /// <summary>
    /// Reads a user address of the current context; null when it reads, else crash's message
    /// (<c>page excluded: user virtual address</c> or <c>invalid user virtual address</c>).
    /// </summary>
    public static string? TryReadUser(CrashSession session, string command, ulong address, Span<byte> buffer, string type)
    {
        var task = session.CurrentTask;
        var tables = task is null ? null : UserTables(session, task);
        while (!buffer.IsEmpty)
        {
            int n = Math.Min(buffer.Length, 4096 - (int)(address & 0xfff));
            if (tables is null || !tables.TryWalk(address, out ulong paddr, out _))
                return $"{command}: invalid user virtual address: {address:x}  type: \"{type}\"";
            if (!TryReadPhysical(session, paddr, buffer[..n]))
            {
                string what = session.Memory.Dump.GetPageState(paddr >> 12) == PageState.Excluded ? "page excluded:" : "invalid";
                return $"{command}: {what} user virtual address: {address:x}  type: \"{type}\"";
            }
            buffer = buffer[n..];
            address += (ulong)n;
        }
        return null;
    }
}

// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Runtime.CompilerServices;
using Dumpkit.Formats;

namespace Dumpkit.Crash.Commands;

/// <summary>
/// crash's readmem messages for an address a command cannot read, laid out as crash 8.0.2 words them on the 6.1
/// corpus dump: <c>page excluded: kernel virtual address: ADDR  type: "TYPE"</c> when the page is RAM that
/// makedumpfile filtered out; <c>read error: kernel virtual address: ...</c> (ELF) or <c>seek error: ...</c>
/// (kdump-compressed) when the address translates to a physical address the dump does not hold (a memory hole,
/// beyond memory; crash translates the direct map below <c>vmalloc_base</c> by arithmetic, mapped or not);
/// else <c>invalid kernel virtual address</c>, and <c>invalid user virtual address</c> below the direct map.
/// </summary>
internal static class ExcludedPages
{
    private static readonly ConditionalWeakTable<CrashSession, StrongBox<ulong>> VmallocBases = [];

    /// <summary>True when the address maps to a page frame the dump left out on purpose (its dump level).</summary>
    public static bool IsExcluded(CrashSession session, ulong address) =>
        session.Memory.TryTranslate(address, out ulong paddr) && session.Memory.Dump.GetPageState(paddr >> 12) == PageState.Excluded;

    /// <summary>The one line crash prints, with the command's name in front.</summary>
    public static string Message(CrashSession session, string command, ulong address, string type)
    {
        if (!session.IsKernelVirtual(address))
            return $"{command}: invalid user virtual address: {address:x}  type: \"{type}\"";
        if (Physical(session, address) is ulong paddr)
        {
            var state = session.Memory.Dump.GetPageState(paddr >> 12);
            if (state == PageState.Excluded)
                return $"{command}: page excluded: kernel virtual address: {address:x}  type: \"{type}\"";
            if (state != PageState.Present)
                return $"{command}: {Failure(session)} error: kernel virtual address: {address:x}  type: \"{type}\"";
        }
        return $"{command}: invalid kernel virtual address: {address:x}  type: \"{type}\"";
    }

    /// <summary>crash's message for a physical address the dump does not hold.</summary>
    public static string PhysicalMessage(CrashSession session, string command, ulong paddr, string type) =>
        session.Memory.Dump.GetPageState(paddr >> 12) == PageState.Excluded
            ? $"{command}: page excluded: physical address: {paddr:x}  type: \"{type}\""
            : $"{command}: {Failure(session)} error: physical address: {paddr:x}  type: \"{type}\"";

    /// <summary>crash's word for a frame the dump lacks: its ELF reader says "read", its diskdump reader "seek".</summary>
    private static string Failure(CrashSession session) => session.Memory.Dump.Kind == DumpKind.Elf ? "read" : "seek";

    /// <summary>Where crash looks for a kernel address: the page tables, else the direct map's arithmetic below vmalloc.</summary>
    private static ulong? Physical(CrashSession session, ulong address)
    {
        if (session.Memory.TryTranslate(address, out ulong paddr))
            return paddr;
        if (session.Memory.PageOffset is ulong po && address >= po && address < VmallocBase(session))
            return address - po;
        return null;
    }

    /// <summary>The start of vmalloc space (KASLR's <c>vmalloc_base</c>): the direct map ends below it.</summary>
    internal static ulong VmallocBase(CrashSession session) => VmallocBases.GetValue(session, s =>
    {
        ulong v = 0;
        if (s.Symbols.AddressOf("vmalloc_base") is ulong at)
            s.Memory.TryReadU64(at, out v);
        // without KASLR's variable: the fixed 4-level VMALLOC_START
        return new StrongBox<ulong>(v != 0 ? v : 0xffff_c900_0000_0000UL);
    }).Value;
}

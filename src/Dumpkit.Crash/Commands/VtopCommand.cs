// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Globalization;
using Dumpkit.Kernel;
using Dumpkit.Kernel.Sched;
using Dumpkit.Kernel.X86_64;

namespace Dumpkit.Crash.Commands;

/// <summary>
/// <c>vtop [-c [pid | taskp]] [-u|-k] address ...</c>: crash 8's translation of a virtual address: VIRTUAL and
/// PHYSICAL, the page-table walk (the kernel's <c>init_top_pgt</c>, or the task's <c>mm-&gt;pgd</c> for a user
/// address), the final entry's PTE/PHYSICAL/FLAGS, for a user address its memory area, and the <c>struct page</c>
/// of the frame (PAGE PHYSICAL MAPPING INDEX CNT FLAGS, the page-flag names from BTF's <c>enum pageflags</c>).
/// As crash, the direct map and the kernel image translate by arithmetic and the walk is shown as it goes.
/// </summary>
internal sealed class VtopCommand : ICrashCommand
{
    public const string PageHeader = "      PAGE       PHYSICAL      MAPPING       INDEX CNT FLAGS";
    private const ulong UserTop = 0x0000_8000_0000_0000UL;
    private const ulong ModulesStart = 0xffff_ffff_c000_0000UL;

    public string Name => "vtop";
    public string Synopsis => "  vtop [-c [pid | taskp]] [-u|-k] address ...";
    public string Summary => "virtual to physical";

    public void Run(CrashSession session, string[] args)
    {
        bool user = false, kernel = false;
        ProcessEntry? context = null;
        var addresses = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            var a = args[i];
            switch (a)
            {
                case "-u": user = true; break;
                case "-k": kernel = true; break;
                case "-c":
                    if (++i >= args.Length)
                        throw new CommandException($"vtop: option requires an argument -- 'c'\n{CrashSession.Usage(this).Message}");
                    if (!PsCommand.IsNumber(args[i]) || TaskViews.Select(session, args[i]) is not { Count: > 0 } picked)
                        throw new CommandException($"vtop: invalid task or pid value: {args[i]}");
                    context = picked[0];
                    break;
                default:
                    if (a.Length > 1 && a[0] == '-')
                        throw new CommandException($"vtop: invalid option -- '{a[1]}'\n{CrashSession.Usage(this).Message}");
                    addresses.Add(a);
                    break;
            }
        }
        if (addresses.Count == 0 || (user && kernel))
            throw CrashSession.Usage(this);
        var values = new List<ulong>();
        foreach (var a in addresses)
            values.Add(CrashSession.TryParseHex(a, out ulong v) ? v : throw new CommandException($"vtop: invalid input: \"{a}\""));
        bool pageHeader = true;
        Translate(session, context, values, user, kernel, ref pageHeader);
    }

    /// <summary>
    /// Each address in turn (a blank line between), user addresses in <paramref name="context"/>'s address space
    /// (the current context when null); crash's PAGE header before the first page line only.
    /// </summary>
    internal static void Translate(CrashSession session, ProcessEntry? context, IReadOnlyList<ulong> addresses, bool user, bool kernel,
        ref bool pageHeader)
    {
        for (int i = 0; i < addresses.Count; i++)
        {
            ulong vaddr = addresses[i];
            if (i > 0)
                session.Out.WriteLine();
            bool isKernel = session.IsKernelVirtual(vaddr);
            if (!user && !kernel && !isKernel && vaddr >= UserTop)
                throw new CommandException($"vtop: ambiguous address: {vaddr:x}  (requires -u or -k)");
            if (kernel && !isKernel)
            {
                session.Out.WriteLine("VIRTUAL           PHYSICAL        ");
                session.Out.WriteLine($"{vaddr,-8:x}  (not a kernel virtual address)");
                session.Out.WriteLine();
                continue;
            }
            if (isKernel)
                Kernel(session, vaddr, ref pageHeader);
            else
                User(session, context ?? session.CurrentTask ?? throw new CommandException("vtop: no current task"), vaddr, ref pageHeader);
        }
    }

    /// <summary><c>vtop ADDR</c> for a kernel address.</summary>
    internal static void Kernel(CrashSession session, ulong vaddr, ref bool pageHeader)
    {
        var o = session.Out;
        var mem = session.Memory;
        var steps = mem.Vtop(vaddr, out ulong? walked);
        ulong? paddr = Arithmetic(session, vaddr) ?? walked;
        o.WriteLine("VIRTUAL           PHYSICAL        ");
        o.WriteLine(paddr is ulong p ? $"{vaddr:x}  {p,-16:x}" : $"{vaddr:x}  (not mapped)");
        o.WriteLine();
        if (session.Symbols.AddressOf("init_top_pgt") is ulong top)
            o.WriteLine($"PGD DIRECTORY: {top:x}");
        for (int i = 0; i < steps.Count; i++)
            o.WriteLine(i == 0 ? $"PAGE DIRECTORY: {steps[i].Entry:x}" : $"   {steps[i].Level}: {steps[i].EntryAddress:x} => {steps[i].Entry:x}");
        Mapping(session, steps, walked);
        o.WriteLine();
        if (paddr is ulong phys)
            PageLine(session, phys, ref pageHeader);
    }

    /// <summary><c>vtop ADDR</c> for a user address of a task.</summary>
    private static void User(CrashSession session, ProcessEntry task, ulong vaddr, ref bool pageHeader)
    {
        var o = session.Out;
        var tables = AddressSpaces.UserTables(session, task)
            ?? throw new CommandException($"vtop: no user address space: task {task.Task:x} (\"{task.Comm}\") is a kernel thread");
        var steps = new List<PageTableStep>();
        ulong? paddr = tables.TryWalk(vaddr, out ulong p, out _, steps) ? p : null;
        o.WriteLine("VIRTUAL     PHYSICAL        ");
        o.WriteLine(paddr is ulong pp ? $"{vaddr,-10:x}  {pp,-16:x}" : $"{vaddr,-10:x}  (not mapped)");
        o.WriteLine();
        foreach (var s in steps)
            o.WriteLine($"   {s.Level}: {s.EntryAddress:x} => {s.Entry:x}");
        Mapping(session, steps, paddr);
        o.WriteLine();
        if (task.Mm != 0)
        {
            var area = TaskViews.Of(session).Areas.Read(task.Mm).FirstOrDefault(a => vaddr >= a.Start && vaddr < a.End);
            if (area is not null)
            {
                o.WriteLine(VmCommand.VmaHeader);
                o.WriteLine($"{area.Vma:x} {area.Start,10:x} {area.End,10:x} {area.Flags,6:x} {area.Path}");
                o.WriteLine();
            }
        }
        if (paddr is ulong phys)
            PageLine(session, phys, ref pageHeader);
    }

    /// <summary>
    /// crash's physical address of a kernel address without the walk: the direct map (below <c>vmalloc_base</c>)
    /// and the kernel image (below the modules) by arithmetic; null elsewhere (vmalloc, vmemmap, modules).
    /// </summary>
    private static ulong? Arithmetic(CrashSession session, ulong vaddr)
    {
        var mem = session.Memory;
        if (vaddr >= KernelMemory.StartKernelMap)
            return vaddr < ModulesStart ? mem.KernelTextToPhysical(vaddr) : null;
        if (mem.PageOffset is ulong po && vaddr >= po && vaddr < ExcludedPages.VmallocBase(session))
            return vaddr - po;
        return null;
    }

    /// <summary>The last entry of a walk that reached a page: <c>  PAGE: ...</c> and its PTE/PHYSICAL/FLAGS table.</summary>
    private static void Mapping(CrashSession session, IReadOnlyList<PageTableStep> steps, ulong? walked)
    {
        if (walked is null || steps.Count == 0)
            return;
        var o = session.Out;
        var last = steps[^1];
        ulong entry = last.Entry;
        ulong frame = entry & PageTables.PhysicalPageMask;
        string size = last.Level switch { "PUD" => "  (1GB)", "PMD" => "  (2MB)", _ => "" };
        o.WriteLine(size.Length > 0 ? $"  PAGE: {frame:x}{size}" : $"  PAGE: {(walked.Value & ~0xfffUL):x}");
        o.WriteLine();
        var pte = entry.ToString("x", CultureInfo.InvariantCulture);
        var phys = frame.ToString("x", CultureInfo.InvariantCulture);
        int len1 = Math.Max(pte.Length, 3), len2 = Math.Max(phys.Length, 8);
        o.WriteLine($"{VmCommand.Center("PTE", len1)}  {VmCommand.Center("PHYSICAL", len2)}  FLAGS");
        o.WriteLine($"{pte.PadLeft(len1)}  {phys.PadLeft(len2)}  ({PteFlags(entry)})");
    }

    /// <summary>The x86_64 PTE bits crash names, in its order.</summary>
    internal static string PteFlags(ulong pte)
    {
        if (pte == 0)
            return "no mapping";
        var names = new List<string>();
        bool present = (pte & 1) != 0;
        if (present) names.Add("PRESENT");
        if ((pte & 0x2) != 0) names.Add("RW");
        if ((pte & 0x4) != 0) names.Add("USER");
        if ((pte & 0x8) != 0) names.Add("PWT");
        if ((pte & 0x10) != 0) names.Add("PCD");
        if ((pte & 0x20) != 0) names.Add("ACCESSED");
        if ((pte & 0x40) != 0) names.Add("DIRTY");
        if ((pte & 0x80) != 0 && present) names.Add("PSE");
        if ((pte & 0x100) != 0 && !present) names.Add("PROTNONE");
        if ((pte & 0x100) != 0) names.Add("GLOBAL");
        if ((pte & (1UL << 63)) != 0) names.Add("NX");
        return string.Join('|', names);
    }

    /// <summary>The frame's struct page line (after crash's header the first time in a command), when the frame has one.</summary>
    internal static void PageLine(CrashSession session, ulong paddr, ref bool header)
    {
        if (PageStructs.Of(session).Line(paddr) is not { } line)
            return;
        if (header)
            session.Out.WriteLine(PageHeader);
        header = false;
        session.Out.WriteLine(line);
    }
}

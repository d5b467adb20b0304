// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Globalization;
using Dumpkit.Formats;
using Dumpkit.Kernel;
using Dumpkit.Kernel.Mm;
using Dumpkit.Kernel.Sched;

namespace Dumpkit.Crash.Commands;

/// <summary>
/// <c>vm [-p | -P vma | -M mm | -v | -m | -x | -d | [-R reference] [pid | task]] [-f vm_flags]</c>: a task's memory as
/// crash 8 prints it: the task header, MM, PGD, RSS and TOTAL_VM, then each memory area (VMA, START, END, FLAGS, FILE) in
/// address order, from the maple tree of 6.1+ kernels. Kernel threads (no mm) stop after the MM line. <c>-p</c> adds each
/// page's translation (<see cref="VmPages"/>), <c>-P VMA</c> does it for one area, <c>-R</c> searches (<see cref="VmReference"/>),
/// <c>-m</c> and <c>-v</c> print the mm_struct or each vm_area_struct (<c>-x</c>/<c>-d</c> their radix), <c>-M MM</c> stands in
/// for a task without mm, <c>-f FLAGS</c> names the bits of a vm_flags value.
/// </summary>
internal sealed class VmCommand : ICrashCommand
{
    public const string MmHeader = "       MM               PGD          RSS    TOTAL_VM";
    public const string VmaHeader = "      VMA          START      END     FLAGS FILE";

    public string Name => "vm";
    public string Synopsis => "  vm [-p | -P vma | -M mm | -v | -m | -x | -d | [-R reference] [pid | task]]\n     [-f vm_flags]";
    public string Summary => "virtual memory";

    public void Run(CrashSession session, string[] args)
    {
        if (VmOptions.Parse(session, this, args) is not { } options)
            return;
        if (options.Targets.Count == 0)
        {
            var current = session.CurrentTask ?? throw new CommandException("vm: no current task");
            if (options.Reference is null)
                TaskViews.Header(session, current, false);
            Dump(session, current, options);
            return;
        }
        int subsequent = 0;
        foreach (var arg in options.Targets)
        {
            if (TaskViews.Select(session, arg) is not { } tasks)
            {
                session.Out.WriteLine($"{(subsequent++ > 0 ? "\n" : "")}vm: invalid task or pid value: {arg}");
                continue;
            }
            foreach (var e in tasks)
            {
                if (options.Reference is null)
                    TaskViews.Header(session, e, subsequent++ > 0);
                Dump(session, e, options);
            }
        }
    }

    /// <summary>Everything after the task header, as plain <c>vm</c> prints it (for <c>foreach vm</c>).</summary>
    internal static void Print(CrashSession session, ProcessEntry e) => Dump(session, e, VmOptions.Plain);

    /// <summary>crash's vm_area_dump for one task: what <paramref name="options"/> asks, after the task header.</summary>
    internal static void Dump(CrashSession session, ProcessEntry e, VmOptions options)
    {
        TryRead(session, () => DumpUnchecked(session, e, options));
    }

    private static void DumpUnchecked(CrashSession session, ProcessEntry e, VmOptions options)
    {
        var o = session.Out;
        var views = TaskViews.Of(session);
        var mode = options.Mode;
        ulong mm = e.Mm;
        ulong pgd = mm != 0 ? views.Areas.Pgd(mm) : 0;
        var reference = options.Reference is { } text ? new VmReference(text) : null;
        if (reference is { IsNumber: true } && (reference.Hex == mm || reference.Hex == pgd))
        {
            TaskViews.Header(session, e, false);
            MmData(session, e, mm, pgd);
            o.WriteLine();
            return;
        }
        if ((mode & (VmMode.MmStruct | VmMode.VmaStructs | VmMode.SingleVma)) == 0 && reference is null)
            MmData(session, e, mm, pgd);
        if (mm == 0)
        {
            if (options.ForcedMm is not ulong forced)
                return;
            mm = ValidMm(session, forced);
        }
        var printer = new TypePrinter(session) { Hex = options.Hex };
        if ((mode & VmMode.MmStruct) != 0)
        {
            o.WriteLine(TaskCommand.Format(session, printer, "mm_struct", mm, "vm"));
            return;
        }
        if ((mode & (VmMode.Physical | VmMode.VmaStructs | VmMode.SingleVma)) == 0 && reference is null)
            o.WriteLine(VmaHeader);
        var areas = views.Areas.Read(mm);
        var pages = (mode & (VmMode.Physical | VmMode.SingleVma)) != 0 || reference is not null ? new VmPages(session, mm) : null;
        bool singleFound = false;
        foreach (var a in areas)
        {
            if ((mode & VmMode.Physical) != 0 && reference is null)
                o.WriteLine(VmaHeader);
            if ((mode & VmMode.SingleVma) != 0)
            {
                if (a.Vma != options.SingleVma)
                    continue;
                o.WriteLine(VmaHeader);
                singleFound = true;
            }
            if ((mode & VmMode.VmaStructs) != 0)
            {
                o.WriteLine(TaskCommand.Format(session, printer, "vm_area_struct", a.Vma, "vm"));
                continue;
            }
            if (reference is not null)
            {
                pages!.Search(a, reference, () =>
                {
                    TaskViews.Header(session, e, false);
                    MmData(session, e, mm, pgd);
                });
                continue;
            }
            o.WriteLine(VmaLine(a));
            if ((mode & (VmMode.Physical | VmMode.SingleVma)) != 0)
                pages!.Dump(a, null);
        }
        if ((mode & VmMode.SingleVma) != 0 && !singleFound)
            o.WriteLine("(not found)");
        if (reference?.Header == true)
            o.WriteLine();
    }

    /// <summary>The MM/PGD/RSS/TOTAL_VM header and line.</summary>
    internal static void MmData(CrashSession session, ProcessEntry e, ulong mm, ulong pgd)
    {
        var o = session.Out;
        o.WriteLine(MmHeader);
        o.WriteLine($"{Center(mm == 0 ? "0" : $"{mm:x}", 16)}  {Center(pgd == 0 ? "0" : $"{pgd:x}", 16)}  "
            + $"{Center(string.Create(CultureInfo.InvariantCulture, $"{e.RssPages * 4}k"), 6)}  "
            + Center(string.Create(CultureInfo.InvariantCulture, $"{e.TotalVmPages * 4}k"), 8));
    }

    /// <summary>One memory area: VMA START END FLAGS FILE.</summary>
    internal static string VmaLine(VmArea a) => $"{a.Vma:x} {a.Start,10:x} {a.End,10:x} {a.Flags,6:x} {a.Path}";

    /// <summary>
    /// <c>-M MM</c> for a task without mm: crash takes an mm_struct from its slab cache; ours must be the mm of a task
    /// (there is no slab walk), with a non-zero <c>mm_count</c>.
    /// </summary>
    private static ulong ValidMm(CrashSession session, ulong mm)
    {
        if (!session.Processes.Entries.Any(p => p.Mm == mm))
        {
            // crash's slab lookup says first when the address does not translate
            if (!session.Memory.TryTranslate(mm, out _))
                session.Out.WriteLine($"WARNING: cannot make virtual-to-physical translation: {mm:x}");
            throw new CommandException("vm: invalid mm_struct address");
        }
        var r = new KernelReader(session, "vm");
        if (r.ReadU32(mm + r.Offset("mm_struct", "mm_count")) == 0)
            throw new CommandException("vm: stale mm_struct address");
        return mm;
    }

    /// <summary>Runs a read; an unreadable or excluded page is one message line and the command goes on.</summary>
    internal static bool TryRead(CrashSession session, Action read)
    {
        try
        {
            read();
            return true;
        }
        catch (KernelAddressException e)
        {
            session.Out.WriteLine(ExcludedPages.Message(session, "vm", e.Address, "vm_area_struct buffer"));
        }
        catch (KernelDataException e)
        {
            session.Out.WriteLine($"vm: {e.Message}");
        }
        catch (PageNotAvailableException e)
        {
            session.Out.WriteLine($"vm: page excluded: physical address {e.Pfn << 12:x}");
        }
        return false;
    }

    /// <summary>crash's mkstring(CENTER|LJUST): centred, the odd space on the right.</summary>
    internal static string Center(string s, int width)
    {
        if (s.Length >= width)
            return s;
        int extra = width - s.Length;
        return new string(' ', extra / 2) + s + new string(' ', extra - extra / 2);
    }
}

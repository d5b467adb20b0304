// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Globalization;
using Dumpkit.Formats;
using Dumpkit.Kernel;
using Dumpkit.Kernel.Sched;

namespace Dumpkit.Crash.Commands;

/// <summary>
/// <c>vm [pid | taskp] ...</c>: a task's memory as crash 8 prints it: the task header, MM, PGD, RSS and
/// TOTAL_VM, then each memory area (VMA, START, END, FLAGS, FILE) in address order, from the maple tree
/// of 6.1+ kernels. Kernel threads (no mm) stop after the MM line. <c>-m</c> prints the mm_struct instead,
/// <c>-f FLAGS</c> names the bits of a vm_flags value.
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
        var rest = new List<string>();
        bool mm = false;
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "-f")
            {
                if (++i >= args.Length)
                    throw new CommandException($"vm: option requires an argument -- 'f'\n{CrashSession.Usage(this).Message}");
                if (!CrashSession.TryParseHex(args[i], out ulong flags))
                    throw new CommandException($"vm: invalid input: \"{args[i]}\"");
                session.Out.WriteLine($"{flags:x}: ({VmFlags.Names(flags)})");
                return;
            }
            if (args[i] == "-m")
                mm = true;
            else
                rest.Add(args[i]);
        }
        Action<CrashSession, ProcessEntry> print = mm ? PrintMm : Print;
        if (TaskViews.Targets(session, this, rest.ToArray(), "pPMvRdx", print) is not { } targets)
            return;
        int subsequent = 0;
        foreach (var arg in targets)
        {
            if (TaskViews.Select(session, arg) is not { } tasks)
            {
                session.Out.WriteLine($"{(subsequent++ > 0 ? "\n" : "")}vm: invalid task or pid value: {arg}");
                continue;
            }
            foreach (var e in tasks)
            {
                TaskViews.Header(session, e, subsequent++ > 0);
                print(session, e);
            }
        }
    }

    /// <summary><c>vm -m</c>: the task's mm_struct as gdb prints it; nothing for a kernel thread.</summary>
    internal static void PrintMm(CrashSession session, ProcessEntry e)
    {
        if (e.Mm != 0)
            session.Out.WriteLine(TaskCommand.Format(session, new TypePrinter(session), "mm_struct", e.Mm, "vm"));
    }

    /// <summary>Everything after the task header.</summary>
    internal static void Print(CrashSession session, ProcessEntry e)
    {
        var o = session.Out;
        var views = TaskViews.Of(session);
        ulong pgd = 0;
        if (e.Mm != 0 && !TryRead(session, () => pgd = views.Areas.Pgd(e.Mm)))
            return;
        o.WriteLine(MmHeader);
        o.WriteLine($"{Center(e.Mm == 0 ? "0" : $"{e.Mm:x}", 16)}  {Center(pgd == 0 ? "0" : $"{pgd:x}", 16)}  "
            + $"{Center(string.Create(CultureInfo.InvariantCulture, $"{e.RssPages * 4}k"), 6)}  "
            + Center(string.Create(CultureInfo.InvariantCulture, $"{e.TotalVmPages * 4}k"), 8));
        if (e.Mm == 0)
            return;
        List<Dumpkit.Kernel.Mm.VmArea> areas = [];
        o.WriteLine(VmaHeader);
        if (!TryRead(session, () => areas = views.Areas.Read(e.Mm)))
            return;
        foreach (var a in areas)
            o.WriteLine($"{a.Vma:x} {a.Start,10:x} {a.End,10:x} {a.Flags,6:x} {a.Path}");
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

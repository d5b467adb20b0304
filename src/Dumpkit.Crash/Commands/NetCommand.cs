// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Kernel;
using Dumpkit.Kernel.Net;
using Dumpkit.Kernel.Sched;

namespace Dumpkit.Crash.Commands;

/// <summary>
/// <c>net</c>: the network devices of the initial namespace as crash 8 lists them (NET_DEVICE, NAME, IP
/// ADDRESS(ES)); <c>-n</c> without a task is the same list. <c>-s</c> says "No open sockets." for a task without
/// sockets; the socket table of a task with sockets, <c>-S</c>, <c>-a</c>, <c>-N</c>, <c>-R</c> are not there yet.
/// </summary>
internal sealed class NetCommand : ICrashCommand
{
    public const string DeviceHeader = "   NET_DEVICE     NAME   IP ADDRESS(ES)";

    public string Name => "net";
    public string Synopsis => "  net [[-s | -S] [-xd] [-R ref] [pid | task]] [-a] [ -n [pid | task]] [-N addr]";
    public string Summary => "network command";

    public void Run(CrashSession session, string[] args)
    {
        bool sockets = false;
        var targets = new List<string>();
        foreach (var a in args)
        {
            if (a.Length > 1 && a[0] == '-' && !char.IsAsciiDigit(a[1]))
            {
                switch (a)
                {
                    case "-n":
                        break;
                    case "-s":
                        sockets = true;
                        break;
                    case "-S" or "-a" or "-N" or "-R" or "-d":
                        throw new CommandException($"net: option {a} is not supported yet by dumpkit crash");
                    default:
                        throw new CommandException($"net: invalid option -- '{a[1]}'\n{CrashSession.Usage(this).Message}");
                }
            }
            else
                targets.Add(a);
        }
        if (!sockets)
        {
            if (targets.Count > 0)
                throw CrashSession.Usage(this);
            Devices(session);
            return;
        }
        var tasks = new List<ProcessEntry>();
        foreach (var arg in targets)
        {
            if (PsCommand.IsNumber(arg) && TaskViews.Select(session, arg) is { } picked)
                tasks.AddRange(picked);
            else
                session.Out.WriteLine($"net: invalid task or pid value: {arg}");
        }
        if (targets.Count == 0)
            tasks.Add(session.CurrentTask ?? throw new CommandException("net: no current task"));
        int n = 0;
        foreach (var e in tasks)
        {
            TaskViews.Header(session, e, n++ > 0);
            Sockets(session, e);
        }
    }

    /// <summary>The device list.</summary>
    internal static void Devices(CrashSession session)
    {
        var o = session.Out;
        List<NetDevice> devices;
        try { devices = NetDevices.Read(session.Memory, session.Symbols, session.Types); }
        catch (KernelAddressException e) { throw new CommandException(ExcludedPages.Message(session, "net", e.Address, "net_device buffer")); }
        o.WriteLine(DeviceHeader);
        foreach (var d in devices)
            o.WriteLine($"{d.Device:x16}  {d.Name,-6} {string.Join(", ", d.Addresses)}");
    }

    /// <summary>A task's sockets after its header: "No open sockets." when none of its open files is a socket.</summary>
    internal static void Sockets(CrashSession session, ProcessEntry e)
    {
        var files = TaskViews.Of(session).Files.Read(e.Task);
        if (files.Files is null || files.Files.All(f => f.Type != "SOCK"))
        {
            session.Out.WriteLine("No open sockets.");
            return;
        }
        throw new CommandException("net: the socket table (-s) of a task with sockets is not supported yet by dumpkit crash");
    }
}

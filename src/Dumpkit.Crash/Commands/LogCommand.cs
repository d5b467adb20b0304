// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Text;
using Dumpkit.Kernel.Btf;
using Dumpkit.Kernel.Printk;

namespace Dumpkit.Crash.Commands;

/// <summary>
/// <c>log [-T|-t] [-m]</c>: the kernel log, one record a line: <c>[%5d.%06d] </c> (or the wall-clock
/// time with -T, nothing with -t), <c>&lt;level&gt;</c> with -m, the text with continuation lines
/// indented under it and unprintable bytes as '.'.
/// </summary>
internal sealed class LogCommand : ICrashCommand
{
    public string Name => "log";
    public string Synopsis => "  log [-Ttm]";
    public string Summary => "dump system message buffer";

    public void Run(CrashSession session, string[] args)
    {
        bool wallClock = false, noTime = false, level = false;
        foreach (var a in args)
        {
            if (a.Length < 2 || a[0] != '-')
                throw CrashSession.Usage(this);
            foreach (char c in a.AsSpan(1))
            {
                switch (c)
                {
                    case 'T': wallClock = true; break;
                    case 't': noTime = true; break;
                    case 'm': level = true; break;
                    default: throw new CommandException($"log: invalid option -- '{c}'\n" + CrashSession.Usage(this).Message);
                }
            }
        }
        var records = KernelLog.Read(session.Memory);
        long? boot = wallClock && !noTime ? KernelFacts.BootTime(session) : null;
        if (wallClock && !noTime && boot is null)
            throw new CommandException("log: cannot determine the boot time (no CRASHTIME, jiffies_64 or tick_nsec)");
        BtfMemberLocation? levelField = level ? LevelField(session) : null;

        var o = session.Out;
        var sb = new StringBuilder(256);
        foreach (var r in records)
        {
            sb.Clear();
            if (!noTime)
            {
                ulong seconds = r.TimestampNs / 1_000_000_000UL, rem = r.TimestampNs % 1_000_000_000UL;
                if (boot is long b)
                    sb.Append('[').Append(CrashTime.Format(b + (long)seconds)).Append("] ");
                else
                    sb.Append('[').Append(seconds.ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(5))
                      .Append('.').Append((rem / 1000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture)).Append("] ");
            }
            if (levelField is { } lf)
                sb.Append('<').Append(Level(r.Info, lf).ToString("x", System.Globalization.CultureInfo.InvariantCulture)).Append('>');
            int indent = sb.Length;
            foreach (byte c in r.Text)
            {
                if (c == '\n')
                    sb.Append('\n').Append(' ', indent);
                else if (c is >= 0x20 and < 0x7f or (byte)'\t' or (byte)'\v' or (byte)'\f' or (byte)'\r')
                    sb.Append((char)c);
                else
                    sb.Append('.');
            }
            o.WriteLine(sb.ToString());
        }
    }

    /// <summary><c>printk_info.level</c>, a 3-bit field that VMCOREINFO does not describe: from BTF.</summary>
    private static BtfMemberLocation LevelField(CrashSession session) =>
        session.Types.MemberPath("printk_info.level") is { BitfieldSize: > 0 and <= 8 } m
            ? m
            : throw new CommandException("log: the kernel's BTF has no printk_info.level bitfield");

    private static int Level(byte[] info, BtfMemberLocation field)
    {
        ulong byteAt = field.BitOffset / 8;
        if (byteAt + 1 >= (ulong)info.Length)
            return 0;
        int word = info[byteAt] | info[byteAt + 1] << 8;
        return (word >> (int)(field.BitOffset % 8)) & ((1 << field.BitfieldSize) - 1);
    }
}

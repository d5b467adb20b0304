// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;
using System.Text;

namespace Dumpkit.Crash.Commands;

/// <summary>
/// <c>rd [-8|-16|-32|-64] [-x] [-s] ADDR|SYMBOL [COUNT]</c>: memory as hex words, 16 bytes a line,
/// followed by their ASCII, laid out as crash lays it out.
/// </summary>
internal sealed class RdCommand : ICrashCommand
{
    public string Name => "rd";
    public string Synopsis => "  rd [-adDsSupxmfNR][-8|-16|-32|-64][-o offs][-e addr][-r file][address|symbol]\n     [count]";
    public string Summary => "read memory";

    private const long MaxCount = 1 << 24;

    public void Run(CrashSession session, string[] args)
    {
        int size = 8;
        bool ascii = true, symbolic = false, physical = false;
        var rest = new List<string>();
        foreach (var a in args)
        {
            switch (a)
            {
                case "-8": size = 1; break;
                case "-16": size = 2; break;
                case "-32": size = 4; break;
                case "-64": size = 8; break;
                case "-x": ascii = false; break;
                case "-s": symbolic = true; ascii = false; break;
                case "-p": physical = true; break;
                default:
                    if (a.Length > 1 && a[0] == '-' && !char.IsAsciiDigit(a[1]))
                        throw new CommandException($"rd: invalid option -- '{a[1]}'\n" + CrashSession.Usage(this).Message);
                    rest.Add(a);
                    break;
            }
        }
        if (rest.Count is 0 or > 2)
            throw CrashSession.Usage(this);
        ulong address;
        if (physical ? !CrashSession.TryParseHex(rest[0], out address) : !session.TryParseAddress(rest[0], out address, out _))
            throw SymCommand.NotFound(session.Symbols, rest[0]);
        long count = 1;
        if (rest.Count == 2)
        {
            int digits = 0;
            while (digits < rest[1].Length && char.IsAsciiDigit(rest[1][digits])) digits++;
            if (digits == 0 || !long.TryParse(rest[1].AsSpan(0, digits), System.Globalization.NumberStyles.None,
                System.Globalization.CultureInfo.InvariantCulture, out count))
                throw new CommandException($"rd: invalid count request: {rest[1]}");
            if (count <= 0 || count > MaxCount)
                throw new CommandException($"rd: invalid count request: {count}");
        }
        Dump(session, address, size, count, ascii, symbolic, physical);
    }

    /// <summary>One line's bytes: physical (<c>-p</c>), a user address of the current context, or kernel memory; crash's message when not.</summary>
    private static void Read(CrashSession session, ulong at, Span<byte> chunk, int size, bool physical)
    {
        if (physical)
        {
            if (!AddressSpaces.TryReadPhysical(session, at, chunk))
                throw new CommandException(ExcludedPages.PhysicalMessage(session, "rd", at, $"{size * 8}-bit PHYSADDR"));
            return;
        }
        if (!session.IsKernelVirtual(at))
        {
            if (AddressSpaces.TryReadUser(session, "rd", at, chunk, $"{size * 8}-bit UVADDR") is { } message)
                throw new CommandException(message);
            return;
        }
        if (!session.Memory.TryReadVirtual(at, chunk))
            throw new CommandException(ExcludedPages.Message(session, "rd", at, $"{size * 8}-bit KVADDR"));
    }

    private static void Dump(CrashSession session, ulong address, int size, long count, bool ascii, bool symbolic, bool physical)
    {
        int perLine = 16 / size;
        int width = size * 2;
        var o = session.Out;
        var bytes = new byte[16];
        var line = new StringBuilder(96);
        for (long done = 0; done < count; done += perLine)
        {
            int n = (int)Math.Min(perLine, count - done);
            ulong at = address + (ulong)(done * size);
            var chunk = bytes.AsSpan(0, n * size);
            Read(session, at, chunk, size, physical);
            line.Clear();
            line.Append(at.ToString("x", System.Globalization.CultureInfo.InvariantCulture).PadLeft(16)).Append(":  ");
            for (int i = 0; i < perLine; i++)
            {
                if (i >= n)
                {
                    if (ascii) line.Append(' ', width + 1);
                    continue;
                }
                ulong v = size switch
                {
                    1 => chunk[i],
                    2 => BinaryPrimitives.ReadUInt16LittleEndian(chunk[(i * 2)..]),
                    4 => BinaryPrimitives.ReadUInt32LittleEndian(chunk[(i * 4)..]),
                    _ => BinaryPrimitives.ReadUInt64LittleEndian(chunk[(i * 8)..]),
                };
                if (symbolic && size == 8 && session.ResolveSymbol(v) is { } r)
                    line.Append((r.Offset == 0 ? r.Name : $"{r.Name}+{r.Offset}").PadRight(width));
                else
                    line.Append(v.ToString("x" + width));
                line.Append(' ');
            }
            if (ascii)
            {
                line.Append("  ");
                foreach (byte b in chunk)
                    line.Append(b is >= 0x20 and < 0x7f ? (char)b : '.');
            }
            o.WriteLine(line.ToString());
        }
    }
}

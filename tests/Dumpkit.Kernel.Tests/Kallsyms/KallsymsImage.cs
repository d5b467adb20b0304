// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;
using System.Text;
using Dumpkit.Kernel.Kallsyms;

namespace Dumpkit.Kernel.Tests;

/// <summary>
/// A kallsyms table laid out in a flat memory image the way the kernel lays it out (count, token
/// table and index, compressed names, offsets or addresses), for tests that corrupt it at will.
/// Tokens: every printable character stands for itself; byte 1 expands to "_s", byte 2 to "text".
/// </summary>
internal sealed class KallsymsImage
{
    public const ulong Base = 0xffff_ffff_8100_0000UL;
    public byte[] Memory { get; }
    public KallsymsLocation Location { get; }

    public KallsymsImage((char Type, string Name, ulong Address)[] symbols, KallsymsAddressEncoding encoding,
        bool twoByteLengths = true, ulong? stextOverride = null)
    {
        var mem = new List<byte>();
        ulong Here() => Base + (ulong)mem.Count;
        void Align() { while (mem.Count % 8 != 0) mem.Add(0); }
        void U32(uint v) { var b = new byte[4]; BinaryPrimitives.WriteUInt32LittleEndian(b, v); mem.AddRange(b); }
        void U64(ulong v) { var b = new byte[8]; BinaryPrimitives.WriteUInt64LittleEndian(b, v); mem.AddRange(b); }

        ulong stext = symbols.First(s => s.Name == "_stext").Address;
        ulong relativeBase = stext;

        ulong numSyms = Here();
        U32((uint)symbols.Length);
        Align();
        ulong relBase = Here();
        U64(relativeBase);

        ulong offsets = Here();
        ulong? addresses = null;
        if (encoding == KallsymsAddressEncoding.Absolute)
        {
            addresses = offsets;
            foreach (var s in symbols) U64(s.Address);
        }
        else
        {
            for (int i = 0; i < symbols.Length; i++)
            {
                ulong a = symbols[i].Address;
                ulong slot = Here();
                long v = encoding switch
                {
                    KallsymsAddressEncoding.BaseRelative => (long)(a - relativeBase),
                    KallsymsAddressEncoding.AbsolutePercpu => a < 0x1_0000_0000UL ? (long)a : -(long)(a - relativeBase) - 1,
                    _ => (long)(a - slot),
                };
                U32((uint)(int)v);
            }
        }
        Align();

        ulong names = Here();
        foreach (var s in symbols)
        {
            var tokens = Encode(s.Type + s.Name);
            if (tokens.Count >= 0x80 && twoByteLengths)
            {
                mem.Add((byte)(0x80 | (tokens.Count & 0x7f)));
                mem.Add((byte)(tokens.Count >> 7));
            }
            else
                mem.Add((byte)tokens.Count);
            mem.AddRange(tokens);
        }
        Align();

        ulong tokenTable = Here();
        var index = new ushort[256];
        for (int t = 0; t < 256; t++)
        {
            index[t] = (ushort)(Here() - tokenTable);
            mem.AddRange(Encoding.Latin1.GetBytes(Token(t)));
            mem.Add(0);
        }
        Align();
        ulong tokenIndex = Here();
        foreach (var i in index) { mem.Add((byte)i); mem.Add((byte)(i >> 8)); }
        while (mem.Count % 4096 != 0) mem.Add(0); // memory comes in whole pages

        Memory = mem.ToArray();
        Location = new KallsymsLocation(numSyms, names, tokenTable, tokenIndex,
            encoding == KallsymsAddressEncoding.Absolute ? null : offsets,
            encoding == KallsymsAddressEncoding.PlaceRelative ? null : relBase,
            addresses, stextOverride ?? stext);
    }

    private static string Token(int t) => t switch
    {
        1 => "_s",
        2 => "text",
        >= 0x20 and < 0x7f => ((char)t).ToString(),
        _ => "?",
    };

    private static List<byte> Encode(string name)
    {
        var r = new List<byte>();
        for (int i = 0; i < name.Length;)
        {
            if (name.AsSpan(i).StartsWith("_s")) { r.Add(1); i += 2; }
            else if (name.AsSpan(i).StartsWith("text")) { r.Add(2); i += 4; }
            else r.Add((byte)name[i++]);
        }
        return r;
    }

    public bool Read(ulong address, Span<byte> buffer)
    {
        if (address < Base || address - Base > (ulong)Memory.Length || (ulong)buffer.Length > (ulong)Memory.Length - (address - Base))
            return false;
        Memory.AsSpan((int)(address - Base), buffer.Length).CopyTo(buffer);
        return true;
    }
}

// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Globalization;
using System.Text;

namespace Dumpkit.Kernel.Printk;

/// <summary>
/// Formats one kernel log record the way makedumpfile's <c>--dump-dmesg</c> writes it:
/// <c>[%5llu.%06lu] </c>, then <c>[%8s] </c> of "T&lt;pid&gt;"/"C&lt;cpu&gt;" when the kernel records
/// caller ids, then the text with newlines indented under the prefix, and bytes that are neither
/// printable nor space (C locale) as <c>\x%02x</c> of the <em>signed</em> char, as upstream prints them.
/// </summary>
internal static class LogLine
{
    private const uint CallerCpuFlag = 0x80000000;

    public static void Write(Stream output, ulong tsNsec, uint? callerId, ReadOnlySpan<byte> text)
    {
        var prefix = new StringBuilder(32);
        ulong seconds = tsNsec / 1_000_000_000UL;
        ulong rem = tsNsec % 1_000_000_000UL;
        prefix.Append('[').Append(((long)seconds).ToString(CultureInfo.InvariantCulture).PadLeft(5))
              .Append('.').Append((rem / 1000).ToString("D6", CultureInfo.InvariantCulture)).Append("] ");
        if (callerId is uint cid)
        {
            string id = ((cid & CallerCpuFlag) != 0 ? "C" : "T") + (cid & ~CallerCpuFlag).ToString(CultureInfo.InvariantCulture);
            prefix.Append('[').Append(id.PadLeft(8)).Append("] ");
        }
        Span<byte> head = stackalloc byte[prefix.Length];
        for (int i = 0; i < prefix.Length; i++) head[i] = (byte)prefix[i];
        output.Write(head);

        int indent = prefix.Length;
        Span<byte> hex = stackalloc byte[10];
        foreach (byte c in text)
        {
            if (c == (byte)'\n')
            {
                output.WriteByte((byte)'\n');
                for (int i = 0; i < indent; i++) output.WriteByte((byte)' ');
            }
            else if (c is >= 0x20 and <= 0x7e || c is (byte)' ' or (byte)'\t' or (byte)'\v' or (byte)'\f' or (byte)'\r')
            {
                output.WriteByte(c);
            }
            else
            {
                // printf("\\x%02x", (char)c): char is signed on x86_64, so 0x80..0xff print as ffffff80..ffffffff.
                string h = ((int)(sbyte)c).ToString("x2", CultureInfo.InvariantCulture);
                int n = 0;
                hex[n++] = (byte)'\\';
                hex[n++] = (byte)'x';
                foreach (char ch in h) hex[n++] = (byte)ch;
                output.Write(hex[..n]);
            }
        }
        output.WriteByte((byte)'\n');
    }
}

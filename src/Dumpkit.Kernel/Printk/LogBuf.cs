// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;
using Dumpkit.Formats;

namespace Dumpkit.Kernel.Printk;

/// <summary>
/// The kernel log before the lockless ringbuffer: Linux 3.5–5.9 keep variable-length
/// <c>struct printk_log</c> records (named <c>struct log</c> before 3.11) in <c>log_buf</c> between
/// <c>log_first_idx</c> and <c>log_next_idx</c>, a zero-length record marking the wrap; before 3.5
/// <c>log_buf</c> is plain text ending at <c>log_end</c>.
/// </summary>
internal static class LogBuf
{
    public static void Dump(KernelMemory mem, Vmcoreinfo info, KernelVersion version, bool partial, Stream output, TextWriter? warnings)
    {
        ulong logBufSym = info.Symbol("log_buf") ?? throw new KernelDataException("Can't find some symbols for log_buf.");
        ulong logBufLenSym = info.Symbol("log_buf_len") ?? throw new KernelDataException("Can't find some symbols for log_buf.");
        ulong? logEndSym = info.Symbol("log_end");
        uint firstIdx = 0, nextIdx = 0;
        if (logEndSym is null)
        {
            ulong first = (partial ? info.Symbol("clear_idx") : null) ?? info.Symbol("log_first_idx")
                ?? throw new KernelDataException("Can't find variable-length record symbols");
            ulong next = info.Symbol("log_next_idx") ?? throw new KernelDataException("Can't find variable-length record symbols");
            if (!mem.TryReadU32(first, out firstIdx)) throw new KernelDataException("Can't get log_first_idx.");
            if (!mem.TryReadU32(next, out nextIdx)) throw new KernelDataException("Can't get log_next_idx.");
        }
        if (!mem.TryReadU64(logBufSym, out ulong logBuf)) throw new KernelDataException("Can't get log_buf.");
        ulong logEnd = 0;
        bool old = version < new KernelVersion(3, 5, 0);
        if (old)
        {
            if (logEndSym is null) throw new KernelDataException("Can't find some symbols for log_buf.");
            if (version >= new KernelVersion(2, 6, 25))
                logEnd = mem.TryReadU32(logEndSym.Value, out uint e) ? e : throw new KernelDataException("Can't to get log_end.");
            else
                logEnd = mem.TryReadU64(logEndSym.Value, out ulong e) ? e : throw new KernelDataException("Can't to get log_end.");
        }
        if (!mem.TryReadU32(logBufLenSym, out uint lenRaw)) throw new KernelDataException("Can't get log_buf_len.");
        int logBufLen = (int)lenRaw;
        if (logBufLen <= 0 || logBufLen > 1 << 30)
            throw new KernelDataException($"log_buf_len {logBufLen} is implausible.");

        if (old)
        {
            var buf = new byte[logBufLen];
            if (logEnd < (ulong)logBufLen)
            {
                if (!mem.TryReadVirtual(logBuf, buf.AsSpan(0, (int)logEnd))) throw new KernelDataException("Can't read dmesg log.");
                output.Write(buf, 0, (int)logEnd);
            }
            else
            {
                int index = (int)(logEnd & (ulong)(logBufLen - 1));
                int oldLen = logBufLen - index;
                if (!mem.TryReadVirtual(logBuf + (ulong)index, buf.AsSpan(0, oldLen))) throw new KernelDataException("Can't read old dmesg log.");
                if (!mem.TryReadVirtual(logBuf, buf.AsSpan(oldLen, index))) throw new KernelDataException("Can't read new dmesg log.");
                output.Write(buf, 0, logBufLen);
            }
            return;
        }

        string s = info.Size("printk_log") is not null ? "printk_log" : "log";
        long? recSize = info.Size(s), lenOff = info.Offset($"{s}.len"), textLenOff = info.Offset($"{s}.text_len"), tsOff = info.Offset($"{s}.ts_nsec");
        long? callerOff = s == "printk_log" ? info.Offset("printk_log.caller_id") : null;
        if (recSize is null || lenOff is null || textLenOff is null || tsOff is null)
            throw new KernelDataException("Can't get necessary structures for extracting dmesg log.");
        if (recSize <= 0 || lenOff + 2 > recSize || textLenOff + 2 > recSize || tsOff + 8 > recSize || callerOff + 4 > recSize || recSize > logBufLen)
            throw new KernelDataException("VMCOREINFO puts printk_log fields outside the structure.");

        var log = new byte[logBufLen];
        if (!mem.TryReadVirtual(logBuf, log)) throw new KernelDataException("Can't read indexed dmesg log.");
        int size = (int)recSize;
        ushort LenAt(long at) => at >= 0 && at + lenOff!.Value + 2 <= log.Length
            ? BinaryPrimitives.ReadUInt16LittleEndian(log.AsSpan((int)(at + lenOff.Value))) : (ushort)0;

        long ptr = firstIdx;
        long limit = logBufLen / Math.Max(size, 1) + 2; // more records than fit means a cycle
        long steps = 0;
        while (ptr != nextIdx)
        {
            if (ptr < 0 || ptr > logBufLen - size)
            {
                warnings?.WriteLine("Index outside log_buf detected.");
                warnings?.WriteLine("The printk log_buf is most likely corrupted.");
                return;
            }
            if (++steps > limit)
            {
                warnings?.WriteLine("Cycle when parsing dmesg detected.");
                warnings?.WriteLine("The printk log_buf is most likely corrupted.");
                return;
            }
            long rec = LenAt(ptr) == 0 ? 0 : ptr;
            int textLen = BinaryPrimitives.ReadUInt16LittleEndian(log.AsSpan((int)(rec + textLenOff.Value)));
            ulong ts = BinaryPrimitives.ReadUInt64LittleEndian(log.AsSpan((int)(rec + tsOff.Value)));
            uint? caller = callerOff is long co ? BinaryPrimitives.ReadUInt32LittleEndian(log.AsSpan((int)(rec + co))) : null;
            int textStart = (int)rec + size;
            textLen = Math.Min(textLen, log.Length - textStart);
            LogLine.Write(output, ts, caller, log.AsSpan(textStart, Math.Max(textLen, 0)));
            ushort len = LenAt(ptr);
            ptr = len == 0 ? LenAt(0) : ptr + len;
        }
    }
}

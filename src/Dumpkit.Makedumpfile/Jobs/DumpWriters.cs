// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Diagnostics;
using Dumpkit.Formats;
using Dumpkit.Formats.Diskdump;
using Dumpkit.Formats.Elf;
using Dumpkit.Formats.Flattened;
using Dumpkit.Formats.IO;
using Dumpkit.Kernel.Mm;

namespace Dumpkit.Makedumpfile;

/// <summary>
/// The outputs of a <see cref="DumpJob"/> at one dump level: one kdump-compressed file or stream,
/// a split set, or an ELF file or stream. Each returns whether the output ran out of space
/// (written incomplete) and why.
/// </summary>
/// <remarks><c>overwrite</c>: replace existing files: <c>-f</c>, or a retry at the next level over the file the last try made.
/// Otherwise a file is created only where nothing is, not even a dangling symbolic link.</remarks>
internal sealed class DumpWriters(DumpJob job, DumpReader input, DumpMetadata meta, DumpLevel level,
    Statistics stats, Messages msg, Stopwatch clock, bool overwrite)
{
    /// <summary>Header status bits of the dump beyond the codec's (<c>-e</c>'s DUMP_DH_EXCLUDED_VMEMMAP).</summary>
    public uint ExtraStatus { get; init; }

    public (bool OutOfSpace, string? Reason, string? NoSpaceFile) WriteDiskdump(DumpBitmaps bitmaps)
    {
        var options = DiskdumpOptions(job.ThreadCount, (done, total) => msg.ShowProgress("Copying data", done, total, clock));
        using IDumpSink sink = OpenSink(job.OutputName);
        (input as Filtering.ErasingDumpReader)?.ForgetReads();
        var result = DiskdumpWriter.Write(sink, input, input.MaxPfn, bitmaps, options);
        stats.ZeroPages = result.ZeroPages;
        stats.WriteBytes = result.Size;
        if (result.MissingInputPages > 0)
            msg.Fail($"warning: {result.MissingInputPages} pages were missing from the (incomplete) input dump.");
        return (result.Incomplete, result.IncompleteReason, result.NoSpaceFile);
    }

    /// <summary>
    /// <c>--split</c>: N files written at the same time, each with the pages of one range of
    /// frames holding about 1/N of the dumpable pages; every file carries the whole bitmaps.
    /// </summary>
    public (bool OutOfSpace, string? Reason, string? NoSpaceFile) WriteSplit(DumpBitmaps bitmaps)
    {
        var outputs = job.Outputs;
        var ranges = bitmaps.Balance(outputs.Count, job.CycleFrames);
        var results = new DiskdumpWriteResult[outputs.Count];
        var errors = new Exception?[outputs.Count];
        var done = new ulong[outputs.Count];
        var totals = new ulong[outputs.Count];
        var progressGate = new object();
        void Progress(int part, ulong d, ulong t)
        {
            lock (progressGate)
            {
                done[part] = d;
                totals[part] = t;
                msg.ShowProgress("Copying data", (ulong)done.Sum(x => (long)x), (ulong)totals.Sum(x => (long)x), clock);
            }
        }
        int perPart = Math.Max(1, job.ThreadCount / outputs.Count);
        (input as Filtering.ErasingDumpReader)?.ForgetReads();
        var workers = new List<Thread>();
        for (int i = 0; i < outputs.Count; i++)
        {
            int part = i;
            var th = new Thread(() =>
            {
                try
                {
                    var options = DiskdumpOptions(perPart, (d, t) => Progress(part, d, t), ranges[part]);
                    using var sink = new FileDumpSink(outputs[part], overwrite, job.SizeLimit);
                    results[part] = DiskdumpWriter.Write(sink, input, input.MaxPfn, bitmaps, options);
                }
                catch (Exception e)
                {
                    errors[part] = e;
                }
            }) { Name = $"dumpkit-split-{part}" };
            th.Start();
            workers.Add(th);
        }
        foreach (var w in workers) w.Join();
        foreach (var e in errors)
            if (e is not null)
                throw e is DumpFormatException or DumpSpaceException or IOException ? e : new IOException(e.Message, e);
        foreach (var r in results)
        {
            stats.ZeroPages += r.ZeroPages;
            stats.WriteBytes += r.Size;
        }
        var cut = Array.Find(results, r => r.Incomplete);
        return (cut is not null, cut?.IncompleteReason, cut?.NoSpaceFile);
    }

    public (bool OutOfSpace, string? Reason, string? NoSpaceFile) WriteElf(DumpBitmaps bitmaps)
    {
        var (_, dumpable) = bitmaps.Whole();
        var erasing = input as Filtering.ErasingDumpReader;
        var options = new ElfDumpWriterOptions
        {
            // ELF output drops zero pages from the kept set (they read back as zero anyway).
            ExcludeZero = (level & DumpLevel.Zero) != 0,
            Threads = job.ThreadCount,
            // erasing, the data pass reads the frames in the file's order (each erase is used up where the file first holds its
            // bytes); the zero pass before it sees every erase and needs no order
            DataInFileOrder = erasing is not null,
            Progress = (done, total) => msg.ShowProgress("Copying data", done, total, clock),
            CycleFrames = job.CycleFrames,
            EraseinfoSize = erasing?.PlannedEraseinfoSize ?? 0,
            Eraseinfo = erasing is null ? null : () => erasing.Eraseinfo(),
            BeforeData = erasing is null ? null : erasing.EraseOnceFromNow,
            NoteHeader = (erasing?.Inner ?? input) is ElfDumpReader elf
                ? elf.ProgramHeaders.Where(p => p.Type == ElfLayout.PT_NOTE).Select(p => (ElfPhdr?)p).FirstOrDefault()
                : null,
        };
        var segments = new List<ElfSegment>();
        foreach (var seg in input.Segments)
            if (seg.Size > 0)
                segments.Add(new ElfSegment(seg.PhysicalAddress, seg.VirtualAddress, seg.Size));
        using IDumpSink sink = OpenSink(job.OutputName);
        var result = ElfDumpWriter.Write(sink, input, segments, dumpable, input.Notes, options);
        stats.ZeroPages = result.ZeroPages;
        if (result.Incomplete)
            return (true, result.IncompleteReason, result.NoSpaceFile);
        stats.WriteBytes = result.Size;
        return (false, null, null);
    }

    private IDumpSink OpenSink(string path) => job.FlattenedTo is { } stream
        ? new FlattenedWriter(stream, path, leaveOpen: true)
        : new FileDumpSink(path, overwrite, job.SizeLimit);

    private DiskdumpWriterOptions DiskdumpOptions(int threads, Action<ulong, ulong>? progress, (ulong Start, ulong End)? split = null)
    {
        var o = DiskdumpOptionsFor(input, meta, level, job.Codec, threads, job.CycleFrames, progress, split, ExtraStatus);
        if (input is not Filtering.ErasingDumpReader erasing)
            return o;
        var (first, end) = split ?? (0, ulong.MaxValue);
        return new DiskdumpWriterOptions
        {
            Header = o.Header, PhysBase = o.PhysBase, DumpLevel = o.DumpLevel, Notes = o.Notes, VmcoreinfoOffset = o.VmcoreinfoOffset,
            VmcoreinfoSize = o.VmcoreinfoSize, Codec = o.Codec, ExtraStatus = o.ExtraStatus, ExcludeZero = o.ExcludeZero,
            Threads = o.Threads, Progress = o.Progress, CycleFrames = o.CycleFrames, Split = o.Split,
            Eraseinfo = () => [.. o.Eraseinfo?.Invoke() ?? [], .. erasing.Eraseinfo(first, end)],
        };
    }

    /// <summary>
    /// The eraseinfo of an earlier <c>--config</c> run that the input carries, which a kdump-compressed output holds ahead of what
    /// this run erases, as makedumpfile's write_kdump_eraseinfo copies it: a kdump-compressed input's (its sub header's
    /// offset_eraseinfo and size_eraseinfo), or an ELF input's ERASEINFO note's descriptor (type 0), zeros after the text and
    /// all. An ELF output needs none of it: the input's notes, the ERASEINFO note among them, go into it whole.
    /// </summary>
    public static byte[] InheritedEraseinfo(DumpReader input)
    {
        var source = input is Filtering.ErasingDumpReader e ? e.Inner : input;
        if (source is DiskdumpReader d)
            return d.ReadEraseinfo();
        if (source is ElfDumpReader)
            foreach (var note in source.NoteList)
                if (note.Name == "ERASEINFO" && note.Type == 0)
                    return note.Desc(source.Notes).ToArray();
        return [];
    }

    /// <summary>The kdump-compressed writer's options for an output of <paramref name="input"/> at <paramref name="level"/>.</summary>
    public static DiskdumpWriterOptions DiskdumpOptionsFor(DumpReader input, DumpMetadata meta, DumpLevel level,
        Formats.Codecs.PageCodec codec, int threads, ulong cycleFrames, Action<ulong, ulong>? progress,
        (ulong, ulong)? split = null, uint extraStatus = 0)
    {
        var (viOff, viSize) = input.VmcoreinfoLocation;
        byte[] inherited = InheritedEraseinfo(input);
        return new DiskdumpWriterOptions
        {
            Eraseinfo = inherited.Length > 0 ? () => inherited : null,
            Header = new DiskdumpHeader
            {
                Utsname = meta.Utsname,
                TimestampSeconds = meta.CrashTime,
                NrCpus = input.NrCpus,
            },
            PhysBase = meta.PhysBase,
            DumpLevel = (int)level,
            Notes = input.Notes,
            VmcoreinfoOffset = viOff,
            VmcoreinfoSize = viSize,
            Codec = codec,
            ExtraStatus = extraStatus,
            ExcludeZero = (level & DumpLevel.Zero) != 0,
            Threads = threads,
            Progress = progress,
            CycleFrames = cycleFrames,
            Split = split,
        };
    }
}

// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Kexec;
using Dumpkit.Makedumpfile;

namespace Dumpkit.Kdump.S3;

/// <summary>
/// <c>kdump fetch LOCATION OUTDIR</c>: a dump savecore uploaded, back as files. LOCATION is the dump's
/// directory: STAMP under KDUMP_S3's prefix, PREFIX/STAMP in KDUMP_S3's bucket, or
/// http://HOST[:PORT]/BUCKET/PREFIX/STAMP (credentials from KDUMP_S3_CREDENTIALS). Only a directory with the
/// COMPLETE marker is fetched. Each object is downloaded, its size and SHA-256 checked against COMPLETE, then the
/// flattened dump is rebuilt into a kdump-compressed OUTDIR/dump.STAMP (as makedumpfile -R does; the downloaded
/// stream is kept only until then) and the log saved as OUTDIR/dmesg.STAMP.
/// </summary>
internal sealed class S3Fetch(KdumpConfig config, KexecHost host)
{
    private TextWriter Out => host.Out;
    private TextWriter Err => host.Err;

    public int Run(IReadOnlyList<string> operands)
    {
        if (operands.Count != 2)
        {
            Err.WriteLine("kdump: usage: kdump [--config FILE] fetch STAMP|PREFIX/STAMP|http://HOST[:PORT]/BUCKET/PREFIX/STAMP OUTDIR");
            return KdumpCommand.Usage;
        }
        string location = operands[0].TrimEnd('/'), outDir = operands[1];
        S3Client client;
        List<string> candidates;
        try
        {
            S3Target t;
            if (location.StartsWith("http", StringComparison.OrdinalIgnoreCase))
            {
                t = S3Target.Parse(location);
                var configured = S3Target.FromConfig(config);
                t = t with
                {
                    Region = configured?.Region ?? config.Get("KDUMP_S3_REGION") ?? S3Target.DefaultRegion,
                    CredentialsPath = config.Get("KDUMP_S3_CREDENTIALS") ?? S3Credentials.DefaultPath,
                };
                candidates = [t.Prefix];
            }
            else
            {
                t = S3Target.FromConfig(config) ?? throw new S3ConfigException(
                    $"KDUMP_S3 is not set in {config.Source ?? KdumpConfig.DefaultPath}: give the dump as http://HOST[:PORT]/BUCKET/PREFIX/STAMP");
                candidates = [t.Key(location), location];
            }
            client = new S3Client(t, S3Credentials.Load(t.CredentialsPath)) { Log = l => Err.WriteLine($"kdump: s3: {l}") };
        }
        catch (S3ConfigException e)
        {
            Err.WriteLine($"kdump: {e.Message}");
            return KdumpCommand.Usage;
        }
        try
        {
            return Fetch(client, candidates.Distinct().Where(c => c.Length > 0).ToList(), outDir);
        }
        catch (IOException e)
        {
            Err.WriteLine($"kdump: fetch: {e.Message}");
            return KdumpCommand.Failed;
        }
    }

    private int Fetch(S3Client client, List<string> candidates, string outDir)
    {
        string bucket = client.Target.Bucket;
        foreach (var dir in candidates)
        {
            if (client.GetObject($"{dir}/{S3Markers.CompleteName}") is not { } complete)
            {
                if (client.GetObject($"{dir}/{S3Markers.StateName}") is not null)
                {
                    Err.WriteLine($"kdump: fetch: {bucket}/{dir}/: the upload is INCOMPLETE (upload-state and no COMPLETE): no whole dump to fetch");
                    return KdumpCommand.Failed;
                }
                continue;
            }
            var sums = S3Markers.ParseComplete(complete);
            if (sums is null || sums.Count == 0 || sums.Any(s => s.Name.Contains('/') || s.Name.StartsWith('.')))
            {
                Err.WriteLine($"kdump: fetch: {bucket}/{dir}/{S3Markers.CompleteName}: not a dumpkit completion marker");
                return KdumpCommand.Failed;
            }
            Directory.CreateDirectory(outDir);
            foreach (var s in sums)
                if (!FetchObject(client, dir, s, outDir)) return KdumpCommand.Failed;
            Out.WriteLine($"kdump: fetched {bucket}/{dir}/ into {outDir}");
            return KdumpCommand.Ok;
        }
        Err.WriteLine($"kdump: fetch: no dump at {string.Join(" or ", candidates.Select(c => $"{bucket}/{c}/"))} (no {S3Markers.CompleteName} marker)");
        return KdumpCommand.Failed;
    }

    private bool FetchObject(S3Client client, string dir, S3Markers.ObjectSum sum, string outDir)
    {
        bool flat = sum.Name.EndsWith(".flat", StringComparison.Ordinal);
        string final = Path.Combine(outDir, flat ? sum.Name[..^5] : sum.Name);
        string temp = Path.Combine(outDir, sum.Name + ".download");
        if (File.Exists(final))
        {
            Err.WriteLine($"kdump: fetch: {final}: {Cli.SystemErrors.StrError(Cli.SystemErrors.Eexist)}");
            return false;
        }
        var digest = new Sha256Stream();
        try
        {
            using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
            using (var sink = new HashingStream(file, digest))
                client.GetObject($"{dir}/{sum.Name}", sink);
            string sha = digest.HexDigest();
            if (digest.Length != sum.Size || sha != sum.Sha256)
            {
                Err.WriteLine($"kdump: fetch: {client.Target.Bucket}/{dir}/{sum.Name}: {digest.Length} bytes with SHA-256 {sha}, " +
                              $"but {S3Markers.CompleteName} says {sum.Size} bytes with SHA-256 {sum.Sha256}: the object is damaged");
                return false;
            }
            Out.WriteLine($"kdump: {sum.Name}: {sum.Size} bytes, SHA-256 {sha} as recorded");
            if (!flat)
            {
                File.Move(temp, final);
                return true;
            }
            using var stream = new FileStream(temp, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
            int rc = new RearrangeJob { Stream = stream, StreamName = temp, Output = final, MessageLevel = 0 }.Run(Out, Err);
            if (rc != 0)
            {
                Err.WriteLine($"kdump: fetch: rebuilding {final} from the flattened dump failed");
                return false;
            }
            Out.WriteLine($"kdump: rebuilt {final} (makedumpfile -R)");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Err.WriteLine($"kdump: fetch: {e.Message}");
            return false;
        }
        finally
        {
            try { File.Delete(temp); } catch (IOException) { }
        }
    }

    /// <summary>Writes through to a file and feeds the SHA-256.</summary>
    private sealed class HashingStream(Stream inner, Sha256Stream digest) : Stream
    {
        public override void Write(ReadOnlySpan<byte> buffer)
        {
            inner.Write(buffer);
            digest.Update(buffer);
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
        public override void Flush() => inner.Flush();
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => digest.Length;
        public override long Position { get => digest.Length; set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}

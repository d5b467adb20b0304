// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Kdump.S3;

/// <summary>
/// A write-only stream that sends what is written to it as the parts of a multipart upload, one part of
/// <c>partSize</c> bytes at a time (the last one shorter), keeping one part in memory: the dump is never stored
/// locally. A part the server already has (a resumed upload: same number, same size, ETag equal to the MD5 of
/// the bytes regenerated now) is not sent again. The SHA-256 and length of the whole stream are kept for the
/// completion marker. Flush sends nothing: parts are whole or last.
/// </summary>
public sealed class S3MultipartStream(S3Client client, string key, string uploadId, int partSize, IReadOnlyList<S3Part> existing,
    Action<string> log) : Stream
{
    private readonly byte[] _buffer = new byte[partSize];
    private readonly Dictionary<int, S3Part> _existing = existing.ToDictionary(p => p.Number);
    private int _used;

    public List<S3Part> Parts { get; } = [];
    public Sha256Stream Digest { get; } = new();
    /// <summary>Parts found on the server and not sent again.</summary>
    public int Reused { get; private set; }
    /// <summary>The first error the upload met (the dump job then fails with it).</summary>
    public Exception? Failure { get; private set; }

    public override void Write(ReadOnlySpan<byte> data)
    {
        if (Failure is not null) throw Failure;
        while (data.Length > 0)
        {
            int n = Math.Min(data.Length, _buffer.Length - _used);
            data[..n].CopyTo(_buffer.AsSpan(_used));
            _used += n;
            data = data[n..];
            if (_used == _buffer.Length) SendPart();
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    /// <summary>Sends the last part (or an empty first one); the parts in order.</summary>
    public List<S3Part> Finish()
    {
        if (Failure is not null) throw Failure;
        if (_used > 0 || Parts.Count == 0) SendPart();
        return Parts;
    }

    private void SendPart()
    {
        int number = Parts.Count + 1;
        var body = _buffer.AsMemory(0, _used);
        Digest.Update(body.Span);
        string md5 = Hashes.Hex(Hashes.Md5(body.Span));
        try
        {
            if (_existing.TryGetValue(number, out var have) && have.Size == _used && string.Equals(have.ETag, md5, StringComparison.OrdinalIgnoreCase))
            {
                Reused++;
                log($"part {number} ({_used} bytes) is already on the server");
                Parts.Add(have);
            }
            else
            {
                string etag = client.UploadPart(key, uploadId, number, body);
                Parts.Add(new S3Part(number, etag, _used));
                log($"part {number} ({_used} bytes) sent, MD5 {etag}");
            }
        }
        catch (IOException e)
        {
            Failure = e;
            throw;
        }
        _used = 0;
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => Digest.Length + _used;
    public override long Position { get => Length; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}

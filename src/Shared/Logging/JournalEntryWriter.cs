using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace FdHandoff.Logging;

/// <summary>
/// Serializes one journal entry in the Native Journal Protocol: <c>NAME=value\n</c> per field, or,
/// for a value containing a newline, <c>NAME\n</c> + the value's length as a 64-bit little-endian
/// integer + the value + <c>\n</c>. Field names must already be valid (see <see cref="JournalFieldName"/>).
/// Not thread-safe; <see cref="Reset"/> reuses the buffer for the next entry.
/// </summary>
internal sealed class JournalEntryWriter
{
    private readonly ArrayBufferWriter<byte> _buffer = new(4096);

    /// <summary>The entry written so far.</summary>
    public ReadOnlySpan<byte> WrittenSpan => _buffer.WrittenSpan;

    public void Reset() => _buffer.ResetWrittenCount();

    /// <summary>Appends one field. A field may repeat: the journal keeps every value.</summary>
    public void WriteField(string name, ReadOnlySpan<char> value)
    {
        WriteAscii(name);
        if (value.Contains('\n'))
        {
            _buffer.Write("\n"u8);
            int length = Encoding.UTF8.GetByteCount(value);
            BinaryPrimitives.WriteUInt64LittleEndian(_buffer.GetSpan(sizeof(ulong)), (ulong)length);
            _buffer.Advance(sizeof(ulong));
            WriteUtf8(value, length);
        }
        else
        {
            _buffer.Write("="u8);
            WriteUtf8(value, Encoding.UTF8.GetByteCount(value));
        }
        _buffer.Write("\n"u8);
    }

    public void WriteField(string name, int value)
    {
        Span<char> digits = stackalloc char[11];
        value.TryFormat(digits, out int written, provider: System.Globalization.CultureInfo.InvariantCulture);
        WriteField(name, digits[..written]);
    }

    private void WriteAscii(string name)
    {
        var span = _buffer.GetSpan(name.Length);
        for (int i = 0; i < name.Length; i++) span[i] = (byte)name[i];
        _buffer.Advance(name.Length);
    }

    private void WriteUtf8(ReadOnlySpan<char> value, int byteCount)
    {
        if (byteCount == 0) return;
        int written = Encoding.UTF8.GetBytes(value, _buffer.GetSpan(byteCount));
        _buffer.Advance(written);
    }
}

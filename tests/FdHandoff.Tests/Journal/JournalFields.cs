using System.Buffers.Binary;
using System.Text;

namespace FdHandoff.Tests.Journal;

/// <summary>An entry parsed the way journald parses the Native Journal Protocol, keeping the form each field came in.</summary>
internal sealed class JournalFields
{
    private readonly List<(string Name, string Value, bool Binary)> _fields = [];

    public IReadOnlyList<(string Name, string Value, bool Binary)> All => _fields;

    public string this[string name] => Assert.Single(_fields, f => f.Name == name).Value;

    public bool Has(string name) => _fields.Any(f => f.Name == name);

    public bool IsBinary(string name) => Assert.Single(_fields, f => f.Name == name).Binary;

    public static JournalFields Parse(ReadOnlySpan<byte> data)
    {
        var entry = new JournalFields();
        while (!data.IsEmpty)
        {
            int newline = data.IndexOf((byte)'\n');
            Assert.True(newline >= 0, "field without a terminating newline");
            var line = data[..newline];
            int equals = line.IndexOf((byte)'=');
            if (equals >= 0)
            {
                entry._fields.Add((Encoding.ASCII.GetString(line[..equals]), Encoding.UTF8.GetString(line[(equals + 1)..]), false));
                data = data[(newline + 1)..];
            }
            else
            {
                var rest = data[(newline + 1)..];
                ulong length = BinaryPrimitives.ReadUInt64LittleEndian(rest);
                var value = rest.Slice(sizeof(ulong), (int)length);
                Assert.Equal((byte)'\n', rest[sizeof(ulong) + (int)length]);
                entry._fields.Add((Encoding.ASCII.GetString(line), Encoding.UTF8.GetString(value), true));
                data = rest[(sizeof(ulong) + (int)length + 1)..];
            }
        }
        return entry;
    }
}

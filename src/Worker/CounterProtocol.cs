using System.Buffers.Binary;
using System.Text;

namespace FdHandoff.Worker;

/// <summary>
/// The line counter: every line received (ending in \n) is answered with <c>&lt;n&gt; &lt;line&gt;\n</c>, n counting
/// the lines of this connection from 1. Its state is n and the partial line received so far, so a client can
/// see that a connection handed to another worker went on exactly where it was.
/// </summary>
public sealed class CounterProtocol : IStreamProtocol
{
    /// <summary>A partial line longer than this is answered as if it had ended, so the state stays bounded.</summary>
    public const int MaxLineBytes = 8 * 1024;

    private readonly List<byte> _partial = [];
    private long _count;

    /// <summary>A counter that goes on from a saved state (empty: a new connection).</summary>
    public CounterProtocol(ReadOnlySpan<byte> state = default)
    {
        if (state.Length < sizeof(long)) return;
        _count = BinaryPrimitives.ReadInt64LittleEndian(state);
        _partial.AddRange(state[sizeof(long)..].ToArray());
    }

    public ReadOnlyMemory<byte> Process(ReadOnlySpan<byte> received)
    {
        var answer = new List<byte>();
        foreach (byte b in received)
        {
            if (b != (byte)'\n')
            {
                _partial.Add(b);
                if (_partial.Count < MaxLineBytes) continue;
            }
            _count++;
            answer.AddRange(Encoding.ASCII.GetBytes($"{_count} "));
            answer.AddRange(_partial);
            answer.Add((byte)'\n');
            _partial.Clear();
        }
        return answer.ToArray();
    }

    public byte[] SaveState()
    {
        var state = new byte[sizeof(long) + _partial.Count];
        BinaryPrimitives.WriteInt64LittleEndian(state, _count);
        _partial.CopyTo(state, sizeof(long));
        return state;
    }
}

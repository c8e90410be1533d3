using System.Text.Json.Serialization.Metadata;

namespace FdHandoff.Protocol;

/// <summary>A message type with its kind on the wire and its (source-generated) JSON contract.</summary>
internal interface IControlMessage<TSelf> where TSelf : IControlMessage<TSelf>
{
    static abstract MessageKind Kind { get; }
    static abstract JsonTypeInfo<TSelf> JsonInfo { get; }
}

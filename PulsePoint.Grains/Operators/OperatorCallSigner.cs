namespace PulsePoint.Operators;

/// <summary>
/// Outgoing filter of the silos and of operator tools: signs every call to an <see cref="IOperatorGrain"/> interface
/// (<see cref="OperatorSignature"/>). Registered where the <see cref="OperatorCallKey"/> can be read; a backend service's
/// client has neither.
/// </summary>
internal sealed class OperatorCallSigner(OperatorCallKey key, TimeProvider time) : IOutgoingGrainCallFilter
{
    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        if (OperatorCallFilter.IsOperatorCall(context))
        {
            var marker = OperatorSignature.Sign(await key.GetAsync(), context.TargetId, context.InterfaceType, context.MethodName, time.GetUtcNow());
            RequestContext.Set(OperatorSignature.RequestContextKey, marker);
            try
            {
                await context.Invoke();
            }
            finally
            {
                // The marker names this call only; it has no business travelling on with the caller's later calls.
                RequestContext.Remove(OperatorSignature.RequestContextKey);
            }

            return;
        }

        await context.Invoke();
    }
}

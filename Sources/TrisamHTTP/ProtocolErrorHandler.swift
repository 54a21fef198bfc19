import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// Answers a request the HTTP decoder cannot read with the JSON error body, then closes the
/// connection: headers over the decoder's limits (80 KiB per field and in all, 1,000 fields) get
/// 431 `header_too_large` with field `(headers)`, anything else malformed (a bad request line,
/// an invalid header token, a broken chunk) 400 `malformed_request` with field `(request)`.
/// Without it such a request never reaches the router and Hummingbird answers a bare 400 with
/// no body. Sits after the HTTP codec in the pipeline; every other error goes on unchanged.
public final class ProtocolErrorHandler: ChannelInboundHandler, RemovableChannelHandler, Sendable {
    public typealias InboundIn = HTTPRequestPart
    public typealias InboundOut = HTTPRequestPart
    public typealias OutboundOut = HTTPResponsePart

    public init() {}

    /// The answer to headers over the limits.
    public static let headerTooLarge = APIError(
        status: 431, code: .headerTooLarge, field: "(headers)",
        message: "the request headers are larger than the limit of 80 KiB (or more than 1000 fields); send smaller headers")

    /// The answer to any other request the decoder cannot read.
    public static let malformed = APIError(
        status: 400, code: .malformedRequest, field: "(request)",
        message: "the request is not valid HTTP/1.1 (request line, header syntax or body framing)")

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireChannelRead(data)
    }

    public func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parserError = error as? HTTPParserError else {
            context.fireErrorCaught(error)
            return
        }
        let refusal = parserError == .headerOverflow ? Self.headerTooLarge : Self.malformed
        let body = (try? APIJSON.encoder().encode(refusal.body)) ?? Data("{}".utf8)
        var head = HTTPResponse(status: .init(code: refusal.status))
        head.headerFields[.contentType] = "application/json; charset=utf-8"
        head.headerFields[.contentLength] = String(body.count)
        head.headerFields[.connection] = "close"
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(ByteBuffer(bytes: body))), promise: nil)
        let written = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: written)
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        written.futureResult.whenComplete { _ in bound.value.close(promise: nil) }
    }
}

/// The HTTP/1.1 server every Trisam service runs: Hummingbird's, with ``ProtocolErrorHandler``.
public enum TrisamHTTPServer {
    public static func http1() -> HTTPServerBuilder {
        .http1(configuration: .init(additionalChannelHandlers: [ProtocolErrorHandler()]))
    }
}

import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// Answers a request whose header block is over the HTTP decoder's limits (80 KiB per field and
/// in all, 1,000 fields) with 431 and the JSON error body, code `header_too_large`, field
/// `(headers)`, then closes the connection. Without it the request never reaches the router and
/// Hummingbird answers a bare 400 with no body. Sits after the HTTP codec in the pipeline; every
/// other error goes on unchanged.
public final class OversizedHeaderHandler: ChannelInboundHandler, RemovableChannelHandler, Sendable {
    public typealias InboundIn = HTTPRequestPart
    public typealias InboundOut = HTTPRequestPart
    public typealias OutboundOut = HTTPResponsePart

    public init() {}

    /// The refusal, as the router's refusals are worded.
    public static let refusal = APIError(
        status: 431, code: .headerTooLarge, field: "(headers)",
        message: "the request headers are larger than the limit of 80 KiB (or more than 1000 fields); send smaller headers")

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireChannelRead(data)
    }

    public func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parserError = error as? HTTPParserError, parserError == .headerOverflow else {
            context.fireErrorCaught(error)
            return
        }
        let body = (try? APIJSON.encoder().encode(Self.refusal.body)) ?? Data("{}".utf8)
        var head = HTTPResponse(status: .init(code: 431, reasonPhrase: "Request Header Fields Too Large"))
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

/// The HTTP/1.1 server every Trisam service runs: Hummingbird's, with ``OversizedHeaderHandler``.
public enum TrisamHTTPServer {
    public static func http1() -> HTTPServerBuilder {
        .http1(configuration: .init(additionalChannelHandlers: [OversizedHeaderHandler()]))
    }
}

package dfsim.core.sim;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dfsim.core.protocol.IpiWakeup;
import dfsim.core.protocol.LockContended;
import dfsim.core.protocol.ObjectTokenGranted;
import dfsim.core.protocol.BrkGranted;
import dfsim.core.protocol.ObjectTokenRelease;
import dfsim.core.protocol.ObjectTokenRequest;
import dfsim.core.protocol.ObjectPageBusy;
import dfsim.core.protocol.ObjectRef;
import dfsim.core.protocol.ObjectRefDone;
import dfsim.core.protocol.CowInvalidate;
import dfsim.core.protocol.StaleMapping;
import dfsim.core.protocol.UmtxFork;
import dfsim.core.protocol.UmtxUser;
import dfsim.core.protocol.UmtxUserDone;
import dfsim.core.protocol.UmtxSleep;
import dfsim.core.protocol.UmtxSleepDone;
import dfsim.core.protocol.UmtxWake;
import dfsim.core.protocol.UmtxWakeDone;
import dfsim.core.protocol.PageActivate;
import dfsim.core.protocol.PageActivated;
import dfsim.core.protocol.PageAlloc;
import dfsim.core.protocol.PageAllocated;
import dfsim.core.protocol.PageFree;
import dfsim.core.protocol.PageHashLookup;
import dfsim.core.protocol.PageHashResult;
import dfsim.core.protocol.ThreadStart;
import dfsim.core.protocol.TlbAck;
import dfsim.core.protocol.TlbShootdown;
import dfsim.core.protocol.TokenFailed;
import dfsim.core.protocol.TokenGranted;
import dfsim.core.protocol.TokenPoll;
import dfsim.core.protocol.TokenPollCancel;
import dfsim.core.protocol.TokenRelease;
import dfsim.core.protocol.TokenTry;
import dfsim.core.protocol.WakeupRequest;
import dfsim.core.protocol.ZoneAlloc;
import dfsim.core.protocol.ZoneAllocated;
import dfsim.core.protocol.ZoneFree;
import dfsim.core.protocol.FdSpin;
import dfsim.core.protocol.GlobalLine;
import dfsim.core.protocol.HelperIpi;
import dfsim.core.protocol.GlobalLineDone;
import dfsim.core.protocol.ZoneFreed;

/**
 * Marker for every message between LPs and every self-event. Implementations are immutable
 * records. Messages between LPs live in {@code dfsim.core.protocol} and are listed here by name,
 * so the actor engine can serialize them (jackson-cbor) across actors and JVMs; self-events never
 * leave their LP and need no entry.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "t")
@JsonSubTypes({
    @JsonSubTypes.Type(value = ThreadStart.class, name = "ThreadStart"),
    @JsonSubTypes.Type(value = ObjectTokenRequest.class, name = "ObjectTokenRequest"),
    @JsonSubTypes.Type(value = ObjectTokenGranted.class, name = "ObjectTokenGranted"),
    @JsonSubTypes.Type(value = BrkGranted.class, name = "BrkGranted"),
    @JsonSubTypes.Type(value = ObjectTokenRelease.class, name = "ObjectTokenRelease"),
    @JsonSubTypes.Type(value = LockContended.class, name = "LockContended"),
    @JsonSubTypes.Type(value = PageAlloc.class, name = "PageAlloc"),
    @JsonSubTypes.Type(value = PageAllocated.class, name = "PageAllocated"),
    @JsonSubTypes.Type(value = PageFree.class, name = "PageFree"),
    @JsonSubTypes.Type(value = TokenTry.class, name = "TokenTry"),
    @JsonSubTypes.Type(value = TokenPoll.class, name = "TokenPoll"),
    @JsonSubTypes.Type(value = TokenPollCancel.class, name = "TokenPollCancel"),
    @JsonSubTypes.Type(value = TokenGranted.class, name = "TokenGranted"),
    @JsonSubTypes.Type(value = TokenFailed.class, name = "TokenFailed"),
    @JsonSubTypes.Type(value = TokenRelease.class, name = "TokenRelease"),
    @JsonSubTypes.Type(value = WakeupRequest.class, name = "WakeupRequest"),
    @JsonSubTypes.Type(value = IpiWakeup.class, name = "IpiWakeup"),
    @JsonSubTypes.Type(value = ZoneAlloc.class, name = "ZoneAlloc"),
    @JsonSubTypes.Type(value = ZoneAllocated.class, name = "ZoneAllocated"),
    @JsonSubTypes.Type(value = ZoneFree.class, name = "ZoneFree"),
    @JsonSubTypes.Type(value = ZoneFreed.class, name = "ZoneFreed"),
    @JsonSubTypes.Type(value = TlbShootdown.class, name = "TlbShootdown"),
    @JsonSubTypes.Type(value = TlbAck.class, name = "TlbAck"),
    @JsonSubTypes.Type(value = PageHashLookup.class, name = "PageHashLookup"),
    @JsonSubTypes.Type(value = PageHashResult.class, name = "PageHashResult"),
    @JsonSubTypes.Type(value = ObjectPageBusy.class, name = "ObjectPageBusy"),
    @JsonSubTypes.Type(value = ObjectRef.class, name = "ObjectRef"),
    @JsonSubTypes.Type(value = ObjectRefDone.class, name = "ObjectRefDone"),
    @JsonSubTypes.Type(value = UmtxFork.class, name = "UmtxFork"),
    @JsonSubTypes.Type(value = CowInvalidate.class, name = "CowInvalidate"),
    @JsonSubTypes.Type(value = StaleMapping.class, name = "StaleMapping"),
    @JsonSubTypes.Type(value = UmtxUser.class, name = "UmtxUser"),
    @JsonSubTypes.Type(value = UmtxUserDone.class, name = "UmtxUserDone"),
    @JsonSubTypes.Type(value = UmtxSleep.class, name = "UmtxSleep"),
    @JsonSubTypes.Type(value = UmtxSleepDone.class, name = "UmtxSleepDone"),
    @JsonSubTypes.Type(value = UmtxWake.class, name = "UmtxWake"),
    @JsonSubTypes.Type(value = UmtxWakeDone.class, name = "UmtxWakeDone"),
    @JsonSubTypes.Type(value = PageActivate.class, name = "PageActivate"),
    @JsonSubTypes.Type(value = PageActivated.class, name = "PageActivated"),
    @JsonSubTypes.Type(value = GlobalLine.class, name = "GlobalLine"),
    @JsonSubTypes.Type(value = GlobalLineDone.class, name = "GlobalLineDone"),
    @JsonSubTypes.Type(value = HelperIpi.class, name = "HelperIpi"),
    @JsonSubTypes.Type(value = FdSpin.class, name = "FdSpin"),
})
public interface SimMessage {}

// The body of an operator's approval to heal a fault during a run's DCO, and what the API answers (ADR 0033).
import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsString, Matches, MaxLength } from 'class-validator';
import { HEAL_FAULTS, HealFault } from './domain/heal-decision';

export class HealApprovalDto {
  @ApiProperty({ enum: HEAL_FAULTS, example: 'ecs-unhealthy' })
  @IsIn(HEAL_FAULTS, { message: `fault must be one of ${HEAL_FAULTS.join(', ')}` })
  fault!: HealFault;

  @ApiProperty({
    example: 'dco-runner',
    description: 'what the fault is on: the ECS service, the consumer group, the message type, the pointer location',
  })
  @IsString({ message: 'target must be a string' })
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._:/,-]{0,299}$/, {
    message: 'target must be a service, group, message type, pointer location or broker list (letters, digits, ._:/,-)',
  })
  target!: string;

  @ApiProperty({ example: 'the runner lost its tasks; the DCO cannot finish without them' })
  @IsString({ message: 'reason must be a string' })
  @IsNotEmpty({ message: 'reason must say why' })
  @MaxLength(2000)
  reason!: string;
}

export class HealApprovalView {
  @ApiProperty({ enum: HEAL_FAULTS }) fault!: string;
  @ApiProperty() target!: string;
  @ApiProperty({ description: "the credential's name" }) actor!: string;
  @ApiProperty() reason!: string;
  @ApiProperty() at!: string;
}
